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
 * <p>A sparse measurement (each cluster probes some peers and a few landmarks that everyone probes) is completed
 * through the landmarks: an unmeasured pair (a, b) gets min over landmarks L of rtt(a, L) + rtt(L, b). Round trips
 * obey the triangle inequality closely, so that is an upper bound: a hard limit met on an estimate is met by the
 * path. A pair with no landmark measured from both sides stays unknown.
 *
 * <p>Stored densely (one array row per cluster) because the solver looks latencies up in its inner loops.
 */
public final class LatencyMatrix {
  public static final LatencyMatrix EMPTY = new LatencyMatrix(Map.of(), Map.of());

  private final Map<String, Integer> index = new HashMap<>();
  private final double[][] rtt;                    // measured, NaN = unknown
  private final double[][] landmarkRows;           // the landmarks' rows of rtt
  private final double[][] estimates;              // unmeasured pairs through the landmarks, filled as asked; null without landmarks
  private static final double NOT_ESTIMATED = Double.NEGATIVE_INFINITY;
  private final Map<String, double[]> users = new HashMap<>();
  private final double maxKnown;

  /** Both maps: from → (to → ms). Cluster keys are cluster names; user keys are region names. */
  public LatencyMatrix(Map<String, ? extends Map<String, Double>> clusterRtt, Map<String, ? extends Map<String, Double>> userRtt) {
    this(clusterRtt, userRtt, java.util.Set.of());
  }

  /** @param landmarks clusters through which unmeasured pairs are estimated (empty: none is) */
  public LatencyMatrix(Map<String, ? extends Map<String, Double>> clusterRtt, Map<String, ? extends Map<String, Double>> userRtt,
      java.util.Collection<String> landmarks) {
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
    int[] rows = landmarks.stream().map(index::get).filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).sorted().toArray();
    landmarkRows = new double[rows.length][];
    for (int l = 0; l < rows.length; l++) landmarkRows[l] = rtt[rows[l]];
    estimates = rows.length == 0 ? null : new double[names.size()][names.size()];
    if (estimates != null) for (double[] row : estimates) Arrays.fill(row, NOT_ESTIMATED);
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

  /**
   * The best upper bound the landmarks give for an unmeasured pair, NaN when none measured both; computed when first asked
   * and kept (a placement looks up a small part of the N² pairs, and a round builds a new matrix: estimating every pair
   * up front cost 1,000² × 120 landmarks per round). The cache is filled without a lock: two threads that race compute
   * the same value.
   */
  private double estimate(int i, int j) {
    double known = estimates[i][j];
    if (known != NOT_ESTIMATED) return known;
    double best = Double.NaN;
    for (double[] row : landmarkRows) {
      double sum = row[i] + row[j]; // NaN when either side is unknown
      if (sum < best || Double.isNaN(best)) best = sum;
    }
    estimates[i][j] = best;
    estimates[j][i] = best;
    return best;
  }

  public OptionalDouble between(ClusterId a, ClusterId b) {
    if (a.equals(b)) return OptionalDouble.of(0);
    Integer i = index.get(a.value());
    Integer j = index.get(b.value());
    double known = i == null || j == null ? Double.NaN : rtt(i, j);
    return Double.isNaN(known) ? OptionalDouble.empty() : OptionalDouble.of(known);
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
    if (i < 0 || j < 0) return Double.NaN;
    double measured = rtt[i][j];
    return Double.isNaN(measured) && estimates != null && i != j ? estimate(i, j) : measured;
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
    if (o == this) return true; // a matrix kept between placement rounds: no N² comparison
    if (!(o instanceof LatencyMatrix m) || !m.index.equals(index) || !m.users.keySet().equals(users.keySet())) return false;
    for (var e : users.entrySet()) if (!Arrays.equals(e.getValue(), m.users.get(e.getKey()))) return false;
    return Arrays.deepEquals(rtt, m.rtt);
  }

  @Override
  public int hashCode() {
    return index.hashCode() * 31 + users.keySet().hashCode();
  }
}
