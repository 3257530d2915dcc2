package io.qonnect.testbed.drill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each pod of a singleton existed, per member cluster, from what the clusters' API servers list, and
 * whether two clusters ever ran one singleton at once. Pure: the runner feeds it listings with their time.
 *
 * <p>A pod counts from its creation (the API server's timestamp) until the first listing of its cluster that
 * no longer has it: Pending, running and terminating alike, as a pod in its grace period still runs. A cluster
 * that cannot be listed (its control plane stopped) is not assumed to have stopped anything: when it is listed
 * again, a pod that is still there ran all along, so its interval spans the outage. Overlaps are found over the
 * whole history, not at sampling instants.
 */
public final class SingletonHistory {
  /** One pod's life as seen: {@code until} is open ({@link Long#MAX_VALUE}) while it is listed. */
  public record Life(String singleton, String cluster, String pod, long from, long until) {}

  private final Map<String, Life> lives = new HashMap<>(); // by cluster/pod uid
  private final Map<String, Long> lastListed = new HashMap<>();

  /**
   * A complete listing of one cluster's singleton pods at {@code atMillis}. A pod first seen now was created
   * after the cluster's previous listing (creation times have a resolution of one second).
   *
   * @param pods pod uid → (singleton "application/component", creation time in millis)
   */
  public void listed(String cluster, Map<String, Map.Entry<String, Long>> pods, long atMillis) {
    long previous = lastListed.getOrDefault(cluster, Long.MIN_VALUE);
    lastListed.put(cluster, atMillis);
    for (var e : pods.entrySet()) {
      String key = cluster + "/" + e.getKey();
      if (!lives.containsKey(key)) {
        lives.put(key, new Life(e.getValue().getKey(), cluster, e.getKey(), Math.max(e.getValue().getValue(), previous), Long.MAX_VALUE));
      }
    }
    for (var it = lives.entrySet().iterator(); it.hasNext();) {
      var e = it.next();
      Life life = e.getValue();
      if (life.cluster().equals(cluster) && life.until() == Long.MAX_VALUE && !pods.containsKey(life.pod())) {
        e.setValue(new Life(life.singleton(), cluster, life.pod(), life.from(), atMillis));
      }
    }
  }

  /** Every pair of pods of one singleton in two clusters whose lives overlap, described. */
  public List<String> overlaps() {
    Map<String, List<Life>> bySingleton = new TreeMap<>();
    lives.values().forEach(l -> bySingleton.computeIfAbsent(l.singleton(), k -> new ArrayList<>()).add(l));
    List<String> out = new ArrayList<>();
    bySingleton.forEach((singleton, all) -> {
      all.sort(java.util.Comparator.comparing(Life::cluster).thenComparing(Life::from).thenComparing(Life::pod));
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          Life a = all.get(i), b = all.get(j);
          if (a.cluster().equals(b.cluster())) continue;
          long from = Math.max(a.from(), b.from()), until = Math.min(a.until(), b.until());
          if (from < until) {
            out.add("singleton " + singleton + " ran in " + a.cluster() + " and " + b.cluster() + " at once for "
                + (until == Long.MAX_VALUE ? "ever since" : (until - from) + " ms") + " (pods " + a.pod() + ", " + b.pod() + ")");
          }
        }
      }
    });
    return out;
  }
}
