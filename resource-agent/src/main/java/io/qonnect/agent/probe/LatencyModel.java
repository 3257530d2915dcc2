package io.qonnect.agent.probe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The testbed's wide-area latency, added to the round-trip times an agent measures over loopback (which has no
 * geography). Empty in a real deployment. Read from a small text file the testbed writes, one pair a line:
 * {@code rtt CLUSTER_A CLUSTER_B MS} (symmetric) or {@code user REGION CLUSTER MS}; '#' starts a comment.
 */
public final class LatencyModel {
  public static final LatencyModel NONE = new LatencyModel(Map.of(), Map.of());

  private final Map<String, Double> clusters;
  private final Map<String, Map<String, Double>> users;

  private LatencyModel(Map<String, Double> clusters, Map<String, Map<String, Double>> users) {
    this.clusters = clusters;
    this.users = users;
  }

  /** @throws IllegalArgumentException naming the line of the first malformed entry */
  public static LatencyModel parse(List<String> lines) {
    Map<String, Double> clusters = new HashMap<>();
    Map<String, Map<String, Double>> users = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceAll("#.*", "").strip();
      if (line.isEmpty()) continue;
      String[] f = line.split("\\s+");
      double ms;
      try {
        ms = f.length == 4 ? Double.parseDouble(f[3]) : -1;
      } catch (NumberFormatException e) {
        ms = -1;
      }
      if (ms < 0 || !(f[0].equals("rtt") || f[0].equals("user"))) {
        throw new IllegalArgumentException("line " + (i + 1) + ": expected 'rtt CLUSTER CLUSTER MS' or 'user REGION CLUSTER MS', got '" + line + "'");
      }
      if (f[0].equals("rtt")) {
        clusters.put(f[1] + " " + f[2], ms);
        clusters.put(f[2] + " " + f[1], ms);
      } else {
        users.computeIfAbsent(f[1], k -> new HashMap<>()).put(f[2], ms);
      }
    }
    return new LatencyModel(Map.copyOf(clusters), Map.copyOf(users));
  }

  public OptionalDouble between(String a, String b) {
    Double ms = clusters.get(a + " " + b);
    return ms == null ? OptionalDouble.empty() : OptionalDouble.of(ms);
  }

  public SortedSet<String> userRegions() {
    return new TreeSet<>(users.keySet());
  }

  public OptionalDouble fromUsers(String region, String cluster) {
    Double ms = users.getOrDefault(region, Map.of()).get(cluster);
    return ms == null ? OptionalDouble.empty() : OptionalDouble.of(ms);
  }
}
