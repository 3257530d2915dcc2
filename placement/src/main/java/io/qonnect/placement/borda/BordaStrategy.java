package io.qonnect.placement.borda;

import io.qonnect.placement.filter.Refusal;
import io.qonnect.placement.Diagnosis;
import io.qonnect.placement.Explanation;
import io.qonnect.placement.Placement;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.PlacementStrategy;
import io.qonnect.placement.filter.ClusterFilter;
import io.qonnect.placement.filter.FilterRequest;
import io.qonnect.placement.filter.RegionFilter;
import io.qonnect.placement.filter.SchedulableFilter;
import io.qonnect.placement.filter.TierFilter;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.solve.Objective;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The reference system's scheduler, as a baseline. For each component, over the nodes of the clusters its
 * tiers (and regions) allow:
 *
 * <ol>
 *   <li>rank nodes per attribute and give n − rank Borda points (ties share the better rank): energy (max
 *       watts) and price (node price per hour) lower-is-better; cpu, memory, bandwidth and storage
 *       higher-is-better, their points summed as capacity C;
 *   <li>w = E·qEnergy + P·qPricing + C·qPerformance;
 *   <li>keep nodes with w ≥ mean(w), sum w per cluster, and put every replica on the highest cluster.
 * </ol>
 *
 * No capacity check, no spread, no latency: exactly the gaps qonnect's engine closes. The outcome's
 * explanation evaluates the result with qonnect's {@link Objective} and lists the constraints it breaks.
 */
public final class BordaStrategy implements PlacementStrategy {
  public static final String NAME = "borda";
  private static final List<ClusterFilter> ELIGIBILITY = List.of(new SchedulableFilter(), new TierFilter(), new RegionFilter());

  @Override
  public String name() {
    return NAME;
  }

  /** One node of a cluster (the snapshot models a cluster as nodeCount identical nodes). */
  record Node(MemberCluster cluster, int index) {
    double maxWatts() {
      return cluster.power().maxWatts();
    }

    double pricePerHour() {
      return cluster.node().cores() * cluster.prices().perCoreHour() + cluster.node().gib() * cluster.prices().perGiBHour();
    }
  }

  @Override
  public PlacementOutcome place(QosSpec spec, ClusterSnapshot snapshot) {
    QosWeights q = spec.weights().normalised();
    SortedMap<String, SortedMap<ClusterId, Integer>> assignment = new TreeMap<>();
    Map<String, List<MemberCluster>> eligible = new LinkedHashMap<>();
    Map<String, SortedMap<ClusterId, Refusal>> rejected = new HashMap<>();
    List<String> notes = new ArrayList<>();
    for (ComponentSpec c : spec.components()) {
      List<MemberCluster> ok = new ArrayList<>();
      SortedMap<ClusterId, Refusal> no = new TreeMap<>();
      for (MemberCluster x : snapshot.clusters()) {
        var reason = ELIGIBILITY.stream().map(f -> f.reject(new FilterRequest(spec, c, false, x, snapshot.latency())))
            .filter(java.util.Optional::isPresent).map(java.util.Optional::get).findFirst();
        if (reason.isPresent()) no.put(x.id(), reason.get());
        else ok.add(x);
      }
      eligible.put(c.name(), ok);
      rejected.put(c.name(), no);
      if (ok.isEmpty()) continue;
      SortedMap<ClusterId, Double> totals = clusterTotals(ok, q);
      ClusterId winner = totals.entrySet().stream()
          .max(Map.Entry.<ClusterId, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
          .orElseThrow().getKey();
      SortedMap<ClusterId, Integer> one = new TreeMap<>();
      one.put(winner, c.replicas());
      assignment.put(c.name(), one);
      notes.add(String.format(Locale.ROOT, "%s: Borda totals %s", c.name(), totals.entrySet().stream()
          .sorted(Map.Entry.<ClusterId, Double>comparingByValue().reversed()).limit(3)
          .map(e -> String.format(Locale.ROOT, "%s=%.1f", e.getKey(), e.getValue())).toList()));
    }
    List<String> stuck = spec.components().stream().map(ComponentSpec::name).filter(n -> eligible.get(n).isEmpty()).toList();
    if (!stuck.isEmpty()) {
      return new PlacementOutcome.Unschedulable(new Diagnosis(spec.name(), "no eligible node for " + String.join(", ", stuck),
          spec.components().stream().map(c -> new Diagnosis.ComponentDiagnosis(c.name(), rejected.get(c.name()),
              eligible.get(c.name()).stream().map(MemberCluster::id).toList(), "")).toList()));
    }
    Objective objective = new Objective(spec, snapshot, eligible);
    Feasibility.violations(spec, snapshot, assignment).forEach(v -> notes.add("breaks: " + v));
    Map<ClusterId, MemberCluster> byId = snapshot.byId();
    List<Explanation.ComponentChoice> choices = spec.components().stream().map(c -> new Explanation.ComponentChoice(c.name(), 1,
        assignment.get(c.name()).entrySet().stream().map(e -> {
          MemberCluster x = byId.get(e.getKey());
          return new Explanation.Share(x.id(), x.tier(), e.getValue(), Objective.energyPerReplica(c, x), Objective.costPerReplica(c, x), x.utilisation());
        }).toList(), List.of(), rejected.get(c.name()))).toList();
    return new PlacementOutcome.Placed(new Placement(assignment),
        new Explanation(spec.name(), NAME, spec.weights(), objective.evaluate(assignment), choices, notes));
  }

  /** Σ w over the kept nodes (w ≥ mean) of each cluster. */
  static SortedMap<ClusterId, Double> clusterTotals(List<MemberCluster> clusters, QosWeights q) {
    List<Node> nodes = new ArrayList<>();
    for (MemberCluster x : clusters) for (int i = 0; i < x.nodeCount(); i++) nodes.add(new Node(x, i));
    double[] energy = points(nodes, Node::maxWatts, false);
    double[] price = points(nodes, Node::pricePerHour, false);
    double[] capacity = new double[nodes.size()];
    List<ToDoubleFunction<Node>> higherIsBetter = List.of(
        n -> n.cluster().node().cpuMillis(), n -> n.cluster().node().memoryBytes(),
        n -> n.cluster().bandwidthMbps(), n -> n.cluster().storageBytes());
    for (ToDoubleFunction<Node> attribute : higherIsBetter) {
      double[] p = points(nodes, attribute, true);
      for (int i = 0; i < p.length; i++) capacity[i] += p[i];
    }
    double[] w = new double[nodes.size()];
    for (int i = 0; i < w.length; i++) w[i] = energy[i] * q.energy() + price[i] * q.cost() + capacity[i] * q.performance();
    double mean = Arrays.stream(w).average().orElse(0);
    SortedMap<ClusterId, Double> totals = new TreeMap<>();
    for (int i = 0; i < w.length; i++) {
      if (w[i] >= mean - 1e-9) totals.merge(nodes.get(i).cluster().id(), w[i], Double::sum);
    }
    return totals;
  }

  /** Borda points: n − rank, best first; equal values share the better rank (n − number strictly better). */
  static double[] points(List<Node> nodes, ToDoubleFunction<Node> attribute, boolean higherIsBetter) {
    int n = nodes.size();
    double[] values = new double[n];
    for (int i = 0; i < n; i++) values[i] = attribute.applyAsDouble(nodes.get(i));
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      int better = higherIsBetter ? n - upperBound(sorted, values[i]) : lowerBound(sorted, values[i]);
      out[i] = n - better;
    }
    return out;
  }

  /** Index of the first element >= v. */
  private static int lowerBound(double[] sorted, double v) {
    int lo = 0, hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first element > v. */
  private static int upperBound(double[] sorted, double v) {
    int lo = 0, hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
