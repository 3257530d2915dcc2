package io.qonnect.placement.solve;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosWeights;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;

/**
 * The number the solver minimises, in [0, 1] for any feasible placement. Each soft objective is normalised
 * against the worst eligible choice, so a weight means what it says:
 *
 * <pre>
 *   J = wE·Ê + wC·Ĉ + wP·P̂                        weights normalised to sum 1
 *   E(c,x) = cores(c) · (maxW − idleW)/nodeCores(x)  W per replica = Wh per replica-hour (marginal power)
 *   C(c,x) = cores(c) · perCoreHour(x) + GiB(c) · perGiBHour(x)          cost per replica-hour
 *   Ê = Σ r(c,x)·E(c,x) / Σ_c R(c)·max_{x eligible for c} E(c,x)        (Ĉ likewise)
 *   Ĥ = Σ r(c,x)·u(x) / Σ_c R(c)        u = share of the cluster already requested (less headroom = worse)
 *   L̂ = mean over latency terms of ms/scale; scale = maxLatencyMs, or the largest latency measured
 *       term per talksTo edge A→B: Σ_a share(A,a) · min_b lat(a,b)     (calls go to the nearest B)
 *       term per user region u (entry components): min_x lat(u,x)
 *   P̂ = (L̂ + Ĥ)/2 when the application has latency terms, else Ĥ
 * </pre>
 *
 * Unknown latencies count as the scale (the worst). Pure; cheap enough to evaluate thousands of times.
 */
public final class Objective {
  /** J with its parts, and the raw physical totals behind them (for explanations). */
  public record Breakdown(
      double value, double energy, double cost, double performance, double latency, double headroom,
      double watts, double costPerHour, double meanLatencyMs, boolean hasLatencyTerms) {}

  private static final SortedMap<ClusterId, Integer> EMPTY = java.util.Collections.emptySortedMap();
  private final QosSpec spec;
  private final ClusterSnapshot snapshot;
  private final QosWeights w;
  private final Map<ClusterId, MemberCluster> clusters;
  private final double energyScale;
  private final double costScale;
  private final double replicaTotal;
  private final double latencyScale;
  private final boolean hasLatencyTerms;
  private final int latencyTermCount;
  /** {@link QosSpec#entryComponents()}, computed once (it compares every pair of components). */
  private final List<ComponentSpec> entryComponents;
  /** Per component (by its position in the spec), the positions of those it talks to (-1: no such component). */
  private final int[][] callees;
  /** The positions of the entry components, in {@link #entryComponents}' order. */
  private final int[] entries;

  /** {@code eligible}: per component, the clusters that passed the filters (defines the normalisers). */
  public Objective(QosSpec spec, ClusterSnapshot snapshot, Map<String, List<MemberCluster>> eligible) {
    this.spec = spec;
    this.snapshot = snapshot;
    this.w = spec.weights().normalised();
    this.clusters = snapshot.byId();
    this.entryComponents = spec.entryComponents();
    Map<String, Integer> position = new java.util.HashMap<>();
    for (ComponentSpec comp : spec.components()) position.put(comp.name(), position.size());
    this.callees = spec.components().stream().map(comp -> comp.talksTo().stream().mapToInt(t -> position.getOrDefault(t, -1)).toArray()).toArray(int[][]::new);
    this.entries = entryComponents.stream().mapToInt(comp -> position.get(comp.name())).toArray();
    double e = 0, c = 0, r = 0;
    for (ComponentSpec comp : spec.components()) {
      double maxE = 0, maxC = 0;
      for (MemberCluster x : eligible.getOrDefault(comp.name(), List.of())) {
        maxE = Math.max(maxE, energyPerReplica(comp, x));
        maxC = Math.max(maxC, costPerReplica(comp, x));
      }
      e += comp.replicas() * maxE;
      c += comp.replicas() * maxC;
      r += comp.replicas();
    }
    this.energyScale = e > 0 ? e : 1;
    this.costScale = c > 0 ? c : 1;
    this.replicaTotal = r > 0 ? r : 1;
    int limit = spec.constraints().maxLatencyMs().orElse(0);
    double scale = limit > 0 ? limit : snapshot.latency().maxKnown();
    this.latencyScale = scale > 0 ? scale : 1;
    int terms = 0;
    for (ComponentSpec comp : spec.components()) terms += comp.talksTo().size();
    terms += entryComponents.size() * spec.constraints().userRegions().size();
    this.latencyTermCount = terms;
    this.hasLatencyTerms = terms > 0;
  }

  public static double energyPerReplica(ComponentSpec c, MemberCluster x) {
    return c.resources().cores() * x.power().marginalWattsPerCore();
  }

  public static double costPerReplica(ComponentSpec c, MemberCluster x) {
    return c.resources().cores() * x.prices().perCoreHour() + c.resources().gib() * x.prices().perGiBHour();
  }

  /** The part of J one replica of {@code c} on {@code x} contributes, latency aside. */
  public double unaryPerReplica(ComponentSpec c, MemberCluster x) {
    double headroomWeight = hasLatencyTerms ? w.performance() / 2 : w.performance();
    return w.energy() * energyPerReplica(c, x) / energyScale
        + w.cost() * costPerReplica(c, x) / costScale
        + headroomWeight * x.utilisation() / replicaTotal;
  }

  /** What one millisecond in one latency term adds to J. */
  public double perLatencyMs() {
    return hasLatencyTerms ? (w.performance() / 2) / latencyTermCount / latencyScale : 0;
  }

  /** Latency in ms, or the scale (the worst) when unknown; 0 within one cluster. */
  public double latencyOrWorst(ClusterId a, ClusterId b) {
    return latencyOrWorst(a, row(a), b, row(b));
  }

  /** {@link #latencyOrWorst(ClusterId, ClusterId)} with the clusters' rows ({@link #row}) looked up once by the caller. */
  double latencyOrWorst(ClusterId a, int rowA, ClusterId b, int rowB) {
    if (a == b || a.equals(b)) return 0;
    double ms = snapshot.latency().rtt(rowA, rowB);
    return Double.isNaN(ms) ? latencyScale : ms;
  }

  /**
   * Each cluster's row in the latency matrix, by identity: the solver passes the same few ClusterId objects millions of
   * times, and an identity lookup is cheaper than hashing and comparing names. An Objective serves one placement on
   * one thread.
   */
  private final Map<ClusterId, Integer> rows = new java.util.IdentityHashMap<>();

  /** A cluster's row in the latency matrix ({@link io.qonnect.placement.snapshot.LatencyMatrix#indexOf}), -1 if none. */
  int row(ClusterId id) {
    Integer row = rows.get(id);
    if (row == null) {
      row = snapshot.latency().indexOf(id);
      rows.put(id, row);
    }
    return row;
  }

  /**
   * {@link #userLatencyOrWorst} from each of the application's user regions to {@code x}, in the spec's order; kept per
   * cluster (by identity, as {@link #row}): the solver asks for the same clusters many times.
   */
  double[] userLatenciesOrWorst(ClusterId x) {
    double[] ms = userLatencies.get(x);
    if (ms == null) {
      List<String> regions = spec.constraints().userRegions();
      ms = new double[regions.size()];
      for (int i = 0; i < ms.length; i++) ms[i] = userLatencyOrWorst(regions.get(i), x);
      userLatencies.put(x, ms);
    }
    return ms;
  }

  private final Map<ClusterId, double[]> userLatencies = new java.util.IdentityHashMap<>();

  public double userLatencyOrWorst(String region, ClusterId x) {
    OptionalDouble ms = snapshot.latency().fromUsers(region, x);
    return ms.isPresent() ? ms.getAsDouble() : latencyScale;
  }

  public Breakdown evaluate(Map<String, SortedMap<ClusterId, Integer>> assignment) {
    List<ComponentSpec> components = spec.components();
    @SuppressWarnings("unchecked")
    SortedMap<ClusterId, Integer>[] placed = new SortedMap[components.size()]; // each component's, looked up once
    for (int i = 0; i < placed.length; i++) placed[i] = assignment.get(components.get(i).name());
    double watts = 0, cost = 0, headroom = 0;
    for (int i = 0; i < placed.length; i++) {
      if (placed[i] == null) continue;
      ComponentSpec c = components.get(i);
      for (var e : placed[i].entrySet()) {
        MemberCluster x = clusters.get(e.getKey());
        watts += e.getValue() * energyPerReplica(c, x);
        cost += e.getValue() * costPerReplica(c, x);
        headroom += e.getValue() * x.utilisation();
      }
    }
    double latencyMsSum = 0;
    for (int a = 0; a < placed.length; a++) {
      SortedMap<ClusterId, Integer> from = placed[a];
      if (from == null || from.isEmpty()) continue;
      int total = 0;
      for (int n : from.values()) total += n;
      for (int b : callees[a]) {
        SortedMap<ClusterId, Integer> to = b < 0 ? null : placed[b];
        double term = 0;
        for (var e : from.entrySet()) term += (double) e.getValue() / total * nearest(e.getKey(), to);
        latencyMsSum += term;
      }
    }
    int regions = spec.constraints().userRegions().size();
    for (int entry : entries) {
      SortedMap<ClusterId, Integer> at = placed[entry];
      for (int region = 0; region < regions; region++) {
        double best = latencyScale;
        if (at != null) for (ClusterId x : at.keySet()) best = Math.min(best, userLatenciesOrWorst(x)[region]);
        latencyMsSum += best;
      }
    }
    double eHat = watts / energyScale;
    double cHat = cost / costScale;
    double hHat = headroom / replicaTotal;
    double lHat = hasLatencyTerms ? latencyMsSum / latencyTermCount / latencyScale : 0;
    double pHat = hasLatencyTerms ? (lHat + hHat) / 2 : hHat;
    double j = w.energy() * eHat + w.cost() * cHat + w.performance() * pHat;
    return new Breakdown(j, eHat, cHat, pHat, lHat, hHat, watts, cost,
        hasLatencyTerms ? latencyMsSum / latencyTermCount : 0, hasLatencyTerms);
  }

  private double nearest(ClusterId from, SortedMap<ClusterId, Integer> to) {
    if (to == null || to.isEmpty()) return latencyScale;
    double best = Double.POSITIVE_INFINITY;
    for (ClusterId y : to.keySet()) best = Math.min(best, latencyOrWorst(from, y));
    return best;
  }
}
