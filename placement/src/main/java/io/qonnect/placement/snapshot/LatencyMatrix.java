package io.qonnect.placement.snapshot;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * Round-trip times in milliseconds between member clusters and from user regions to clusters. Symmetric:
 * a pair measured in one direction counts for both. Within one cluster the latency is 0. A pair never
 * measured is unknown, and the engine treats unknown as "too far" for hard limits.
 *
 * <p>Stored densely (one array row per cluster) because the solver looks latencies up in its inner loops.
 */
public final class LatencyMatrix {
  public static final LatencyMatrix EMPTY = new LatencyMatrix(Map.of(), Map.of());

  private final Map<String, Integer> index = new HashMap<>();
  private final double[][] rtt;                    // NaN = unknown
  private final Map<String, double[]> users = new HashMap<>();
  private final double maxKnown;

  /** Both maps: from → (to → ms). Cluster keys are cluster names; user keys are region names. */
  public LatencyMatrix(Map<String, ? extends Map<String, Double>> clusterRtt, Map<String, ? extends Map<String, Double>> userRtt) {
    TreeSet<String> names = new TreeSet<>(clusterRtt.keySet());
    clusterRtt.values().forEach(row -> names.addAll(row.keySet()));
    userRtt.values().forEach(row -> names.addAll(row.keySet()));
    for (String n : names) index.put(n, index.size());
    rtt = new double[names.size()][names.size()];
    for (double[] row : rtt) Arrays.fill(row, Double.NaN);
    double max = 0;
    for (var row : clusterRtt.entrySet()) {
      int a = index.get(row.getKey());
      for (var cell : row.getValue().entrySet()) {
        int b = index.get(cell.getKey());
        rtt[a][b] = cell.getValue();
        if (Double.isNaN(rtt[b][a])) rtt[b][a] = cell.getValue();
        max = Math.max(max, cell.getValue());
      }
    }
    for (var row : userRtt.entrySet()) {
      double[] toClusters = new double[names.size()];
      Arrays.fill(toClusters, Double.NaN);
      for (var cell : row.getValue().entrySet()) {
        toClusters[index.get(cell.getKey())] = cell.getValue();
        max = Math.max(max, cell.getValue());
      }
      users.put(row.getKey(), toClusters);
    }
    this.maxKnown = max;
  }

  public OptionalDouble between(ClusterId a, ClusterId b) {
    if (a.equals(b)) return OptionalDouble.of(0);
    Integer i = index.get(a.value());
    Integer j = index.get(b.value());
    if (i == null || j == null || Double.isNaN(rtt[i][j])) return OptionalDouble.empty();
    return OptionalDouble.of(rtt[i][j]);
  }

  /** A cluster's row in the dense matrix, or -1 when nothing was measured for it: for {@link #rtt(int, int)}. */
  public int indexOf(ClusterId cluster) {
    Integer i = index.get(cluster.value());
    return i == null ? -1 : i;
  }

  /**
   * The round trip between two rows from {@link #indexOf}, NaN when unknown (or a row is -1). Unlike {@link #between},
   * a cluster and itself is whatever was measured: callers that look up many pairs resolve rows once, and say 0 for
   * a cluster and itself themselves.
   */
  public double rtt(int i, int j) {
    return i < 0 || j < 0 ? Double.NaN : rtt[i][j];
  }

  /** The user regions with at least one measurement, sorted. */
  public java.util.SortedSet<String> userRegions() {
    return new TreeSet<>(users.keySet());
  }

  public OptionalDouble fromUsers(String region, ClusterId cluster) {
    double[] row = users.get(region);
    Integer j = index.get(cluster.value());
    if (row == null || j == null || Double.isNaN(row[j])) return OptionalDouble.empty();
    return OptionalDouble.of(row[j]);
  }

  /** The largest latency measured anywhere: the scale for the latency objective when no limit is set. */
  public double maxKnown() {
    return maxKnown;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LatencyMatrix m) || !m.index.equals(index) || !m.users.keySet().equals(users.keySet())) return false;
    for (var e : users.entrySet()) if (!Arrays.equals(e.getValue(), m.users.get(e.getKey()))) return false;
    return Arrays.deepEquals(rtt, m.rtt);
  }

  @Override
  public int hashCode() {
    return index.hashCode() * 31 + users.keySet().hashCode();
  }
}
