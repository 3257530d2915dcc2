package io.qonnect.agent.probe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Round trips from user regions to member clusters, as the operator declares them: an agent can measure the way to
 * its peers, not the way to the users. Read from a small text file, one line per region and cluster,
 * {@code user REGION CLUSTER MS}; '#' starts a comment. Nothing here is added to what the agent measures.
 */
public final class UserLatency {
  public static final UserLatency NONE = new UserLatency(Map.of());

  private final Map<String, Map<String, Double>> byRegion;

  private UserLatency(Map<String, Map<String, Double>> byRegion) {
    this.byRegion = byRegion;
  }

  /** @throws IllegalArgumentException naming the line of the first malformed entry */
  public static UserLatency parse(List<String> lines) {
    Map<String, Map<String, Double>> byRegion = new HashMap<>();
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
      if (ms < 0 || !f[0].equals("user")) {
        throw new IllegalArgumentException("line " + (i + 1) + ": expected 'user REGION CLUSTER MS', got '" + line + "'");
      }
      byRegion.computeIfAbsent(f[1], k -> new HashMap<>()).put(f[2], ms);
    }
    return new UserLatency(Map.copyOf(byRegion));
  }

  public SortedSet<String> regions() {
    return new TreeSet<>(byRegion.keySet());
  }

  public OptionalDouble from(String region, String cluster) {
    Double ms = byRegion.getOrDefault(region, Map.of()).get(cluster);
    return ms == null ? OptionalDouble.empty() : OptionalDouble.of(ms);
  }
}
