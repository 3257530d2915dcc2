package io.qonnect.placement;

import io.qonnect.placement.filter.ClusterFilter;
import io.qonnect.placement.filter.FilterRequest;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.solve.Objective;
import io.qonnect.placement.solve.ReplicaDivider;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The optimum by brute force, for small instances: every combination of cluster sets per component (sizes
 * from the spread to the replica count), replicas divided by the engine's rule (one each, rest cheapest
 * first within free capacity), every hard constraint checked, the same objective.
 */
final class ExhaustiveSearch {
  private final QosSpec spec;
  private final ClusterSnapshot snapshot;
  private final Objective objective;
  private final Map<String, List<List<MemberCluster>>> options = new HashMap<>();
  private double best = Double.POSITIVE_INFINITY;
  private SortedMap<String, SortedMap<ClusterId, Integer>> bestAssignment;

  ExhaustiveSearch(QosSpec spec, ClusterSnapshot snapshot) {
    this.spec = spec;
    this.snapshot = snapshot;
    Map<String, List<MemberCluster>> eligible = new HashMap<>();
    List<ComponentSpec> entries = spec.entryComponents();
    for (ComponentSpec c : spec.components()) {
      List<MemberCluster> ok = snapshot.clusters().stream().filter(x -> ClusterFilter.all().stream()
          .allMatch(f -> f.reject(new FilterRequest(spec, c, entries.contains(c), x, snapshot.latency())).isEmpty())).toList();
      eligible.put(c.name(), ok);
      int max = c.singleton() ? 1 : Math.min(c.replicas(), ok.size());
      List<List<MemberCluster>> subsets = new ArrayList<>();
      subsets(ok, 0, new ArrayList<>(), spec.spreadOf(c), max, subsets);
      options.put(c.name(), subsets);
    }
    this.objective = new Objective(spec, snapshot, eligible);
  }

  OptionalDouble optimum() {
    Map<ClusterId, Resources> free = new HashMap<>();
    snapshot.clusters().forEach(x -> free.put(x.id(), x.free()));
    search(0, new TreeMap<>(), free);
    return Double.isInfinite(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
  }

  /** The best assignment found (null when none): shown when the engine falls short. */
  SortedMap<String, SortedMap<ClusterId, Integer>> bestAssignment() {
    return bestAssignment;
  }

  private void search(int i, SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    if (i == spec.components().size()) {
      if (!Feasibility.violations(spec, snapshot, assignment).isEmpty()) return;
      double value = objective.evaluate(assignment).value();
      if (value < best) {
        best = value;
        bestAssignment = new TreeMap<>(assignment);
      }
      return;
    }
    ComponentSpec c = spec.components().get(i);
    for (List<MemberCluster> set : options.get(c.name())) {
      List<MemberCluster> byCost = new ArrayList<>(set);
      byCost.sort(Comparator.comparingDouble(x -> objective.unaryPerReplica(c, x)));
      var divided = ReplicaDivider.divide(c.replicas(), c.resources(), byCost, List.of(), set.size(), free);
      if (divided.isEmpty() || divided.get().size() != set.size()) continue;
      Map<ClusterId, Resources> left = new HashMap<>(free);
      divided.get().forEach((id, n) -> left.put(id, left.get(id).minusClamped(c.resources().times(n))));
      assignment.put(c.name(), divided.get());
      search(i + 1, assignment, left);
      assignment.remove(c.name());
    }
  }

  private static void subsets(List<MemberCluster> all, int from, List<MemberCluster> current, int min, int max, List<List<MemberCluster>> out) {
    if (current.size() >= min && current.size() <= max && !current.isEmpty()) out.add(List.copyOf(current));
    if (current.size() == max) return;
    for (int i = from; i < all.size(); i++) {
      current.add(all.get(i));
      subsets(all, i + 1, current, min, max, out);
      current.removeLast();
    }
  }
}
