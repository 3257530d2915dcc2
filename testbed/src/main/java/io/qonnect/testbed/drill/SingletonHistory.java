package io.qonnect.testbed.drill;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * When each pod of a singleton was seen, per member cluster, from what the clusters' API servers list, and
 * whether two clusters were ever seen running one singleton at once. Pure: the runner feeds it listings with
 * their time.
 *
 * <p>A pod counts from the first listing that has it to the last one: Pending, running and terminating alike
 * (a pod in its grace period still runs). A cluster that cannot be listed (its control plane stopped) is not
 * assumed to have stopped anything: a pod it lists again when it is back (the same uid) ran all along, so its
 * life spans the outage. Two lives of one singleton in two clusters overlap when one was first seen before the
 * other was last seen: only overlaps the listings show are reported (none shorter than the listing period can
 * be invented by the timing of the listings themselves).
 */
public final class SingletonHistory {
  /** One pod's life as seen: from its first listing to its last. */
  public record Life(String singleton, String cluster, String pod, long firstSeen, long lastSeen) {}

  private final Map<String, Life> lives = new HashMap<>(); // by cluster/pod uid

  /**
   * A complete listing of one cluster's singleton pods at {@code atMillis}.
   *
   * @param pods pod uid → its singleton, "application/component"
   */
  public void listed(String cluster, Map<String, String> pods, long atMillis) {
    pods.forEach((uid, singleton) -> lives.merge(cluster + "/" + uid, new Life(singleton, cluster, uid, atMillis, atMillis),
        (known, now) -> new Life(known.singleton(), cluster, uid, known.firstSeen(), atMillis)));
  }

  /** Every pair of pods of one singleton in two clusters whose lives overlap, described. */
  public List<String> overlaps() {
    Map<String, List<Life>> bySingleton = new TreeMap<>();
    lives.values().forEach(l -> bySingleton.computeIfAbsent(l.singleton(), k -> new ArrayList<>()).add(l));
    List<String> out = new ArrayList<>();
    bySingleton.forEach((singleton, all) -> {
      all.sort(Comparator.comparing(Life::cluster).thenComparing(Life::firstSeen).thenComparing(Life::pod));
      for (int i = 0; i < all.size(); i++) {
        for (int j = i + 1; j < all.size(); j++) {
          Life a = all.get(i), b = all.get(j);
          if (a.cluster().equals(b.cluster())) continue;
          long from = Math.max(a.firstSeen(), b.firstSeen()), until = Math.min(a.lastSeen(), b.lastSeen());
          if (from <= until) {
            out.add("singleton " + singleton + " seen running in " + a.cluster() + " and " + b.cluster() + " at once for at least "
                + (until - from) + " ms (pods " + a.pod() + ", " + b.pod() + ")");
          }
        }
      }
    });
    return out;
  }
}
