package io.qonnect.placement.snapshot;

import java.util.Collections;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Round-trip times in milliseconds between member clusters and from user regions to clusters. Symmetric:
 * a pair measured in one direction counts for both. Within one cluster the latency is 0. A pair never
 * measured is unknown, and the engine treats unknown as "too far" for hard limits.
 */
public final class LatencyMatrix {
  public static final LatencyMatrix EMPTY = new LatencyMatrix(Map.of(), Map.of());

  private final SortedMap<String, SortedMap<String, Double>> clusters;
  private final SortedMap<String, SortedMap<String, Double>> users;
  private final double maxKnown;

  /** Both maps: from → (to → ms). Cluster keys are cluster names; user keys are region names. */
  public LatencyMatrix(Map<String, ? extends Map<String, Double>> clusterRtt, Map<String, ? extends Map<String, Double>> userRtt) {
    this.clusters = symmetric(clusterRtt);
    this.users = copy(userRtt);
    double max = 0;
    for (var row : clusters.values()) for (double v : row.values()) max = Math.max(max, v);
    for (var row : users.values()) for (double v : row.values()) max = Math.max(max, v);
    this.maxKnown = max;
  }

  public OptionalDouble between(ClusterId a, ClusterId b) {
    if (a.equals(b)) return OptionalDouble.of(0);
    Double v = clusters.getOrDefault(a.value(), Collections.emptySortedMap()).get(b.value());
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  public OptionalDouble fromUsers(String region, ClusterId cluster) {
    Double v = users.getOrDefault(region, Collections.emptySortedMap()).get(cluster.value());
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** The largest latency measured anywhere: the scale for the latency objective when no limit is set. */
  public double maxKnown() {
    return maxKnown;
  }

  public SortedMap<String, SortedMap<String, Double>> clusterRows() {
    return Collections.unmodifiableSortedMap(clusters);
  }

  public SortedMap<String, SortedMap<String, Double>> userRows() {
    return Collections.unmodifiableSortedMap(users);
  }

  private static SortedMap<String, SortedMap<String, Double>> symmetric(Map<String, ? extends Map<String, Double>> in) {
    SortedMap<String, SortedMap<String, Double>> out = copy(in);
    for (var row : in.entrySet()) {
      for (var cell : row.getValue().entrySet()) {
        out.computeIfAbsent(cell.getKey(), k -> new TreeMap<>()).putIfAbsent(row.getKey(), cell.getValue());
      }
    }
    return out;
  }

  private static SortedMap<String, SortedMap<String, Double>> copy(Map<String, ? extends Map<String, Double>> in) {
    SortedMap<String, SortedMap<String, Double>> out = new TreeMap<>();
    in.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyMatrix m && m.clusters.equals(clusters) && m.users.equals(users);
  }

  @Override
  public int hashCode() {
    return clusters.hashCode() * 31 + users.hashCode();
  }
}
