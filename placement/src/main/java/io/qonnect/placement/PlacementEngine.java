package io.qonnect.placement;

import io.qonnect.placement.filter.Refusal;
import io.qonnect.placement.filter.ClusterFilter;
import io.qonnect.placement.filter.FilterRequest;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.solve.JointSolver;
import io.qonnect.placement.solve.Objective;
import io.qonnect.placement.solve.TieBreak;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * qonnect's placement: filter → score → solve → divide. Filters decide per (component, cluster); the joint
 * solver chooses all components' clusters against one {@link Objective}, sharing free capacity, and
 * divides replicas. Pure and deterministic; safe to call from any thread.
 */
public final class PlacementEngine implements PlacementStrategy {
  public static final String NAME = "qonnect";
  private static final int ALTERNATIVES = 3;

  private final List<ClusterFilter> filters;

  public PlacementEngine(List<ClusterFilter> filters) {
    this.filters = List.copyOf(filters);
  }

  public PlacementEngine() {
    this(ClusterFilter.all());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PlacementOutcome place(QosSpec spec, ClusterSnapshot snapshot) {
    Eligibility e = eligibility(spec, snapshot);
    List<String> stuck = spec.components().stream().map(ComponentSpec::name).filter(n -> e.eligible().get(n).isEmpty()).toList();
    if (!stuck.isEmpty()) {
      return unschedulable(spec, e, "no member cluster can take " + String.join(", ", stuck), null, "");
    }
    Objective objective = new Objective(spec, snapshot, e.eligible());
    return switch (new JointSolver(spec, snapshot, e.eligible(), objective).solve()) {
      case JointSolver.Result.Failed f -> unschedulable(spec, e, f.component() + ": " + f.problem(), f.component(), f.problem());
      case JointSolver.Result.Solved s -> {
        List<String> broken = Feasibility.violations(spec, snapshot, s.assignment());
        if (!broken.isEmpty()) throw new IllegalStateException("engine bug: infeasible placement " + broken);
        yield new PlacementOutcome.Placed(new Placement(s.assignment()), objective.evaluate(s.assignment()),
            () -> explain(spec, snapshot, e, objective, s.assignment()));
      }
    };
  }

  /**
   * How a given placement fares against this snapshot: the hard constraints and filters it breaks now (a
   * member cluster gone, capacity shrunk, latency grown), and its objective value on the same scale as a
   * fresh placement's. What the lead agents compare before moving anything.
   */
  public Assessment assess(QosSpec spec, ClusterSnapshot snapshot, Placement placement) {
    Eligibility e = eligibility(spec, snapshot);
    List<String> broken = new ArrayList<>(Feasibility.violations(spec, snapshot, placement.components()));
    placement.components().forEach((component, clusters) -> clusters.keySet().forEach(x -> {
      Refusal reason = e.rejected().getOrDefault(component, new TreeMap<>()).get(x);
      if (reason != null) broken.add(component + ": " + x + ": " + reason.text());
    }));
    double value = broken.isEmpty() ? new Objective(spec, snapshot, e.eligible()).evaluate(placement.components()).value() : Double.NaN;
    boolean clusterGone = placement.components().values().stream().flatMap(m -> m.keySet().stream())
        .anyMatch(x -> snapshot.cluster(x).isEmpty());
    return new Assessment(value, broken, clusterGone);
  }

  /**
   * @param objective the objective value (lower is better); NaN when the placement breaks a constraint
   * @param clusterGone it names a member cluster the snapshot does not have (failed, or never observed)
   */
  public record Assessment(double objective, List<String> violations, boolean clusterGone) {
    public boolean feasible() {
      return violations.isEmpty();
    }
  }

  private record Eligibility(Map<String, List<MemberCluster>> eligible, Map<String, SortedMap<ClusterId, Refusal>> rejected) {}

  private Eligibility eligibility(QosSpec spec, ClusterSnapshot snapshot) {
    Map<String, List<MemberCluster>> eligible = new LinkedHashMap<>();
    Map<String, SortedMap<ClusterId, Refusal>> rejected = new HashMap<>();
    List<ComponentSpec> entries = spec.entryComponents();
    for (ComponentSpec c : spec.components()) {
      List<MemberCluster> ok = new ArrayList<>();
      SortedMap<ClusterId, Refusal> no = new TreeMap<>();
      for (MemberCluster x : snapshot.clusters()) {
        Optional<Refusal> reason = firstRejection(new FilterRequest(spec, c, entries.contains(c), x, snapshot.latency()));
        if (reason.isPresent()) no.put(x.id(), reason.get());
        else ok.add(x);
      }
      eligible.put(c.name(), ok);
      rejected.put(c.name(), no);
    }
    return new Eligibility(eligible, rejected);
  }

  private Optional<Refusal> firstRejection(FilterRequest request) {
    for (ClusterFilter f : filters) {
      Optional<Refusal> reason = f.reject(request);
      if (reason.isPresent()) return reason;
    }
    return Optional.empty();
  }

  private static PlacementOutcome unschedulable(QosSpec spec, Eligibility e, String summary, String failedComponent, String problem) {
    List<Diagnosis.ComponentDiagnosis> parts = spec.components().stream().map(c -> new Diagnosis.ComponentDiagnosis(
        c.name(), e.rejected().get(c.name()), e.eligible().get(c.name()).stream().map(MemberCluster::id).toList(),
        c.name().equals(failedComponent) ? problem : "")).toList();
    return new PlacementOutcome.Unschedulable(new Diagnosis(spec.name(), summary, parts));
  }

  /**
   * The best few clusters not chosen for {@code c}, each judged exactly: move one replica there from the
   * chosen cluster with the highest per-replica cost, then re-evaluate the objective and the constraints.
   */
  private static List<Explanation.Alternative> alternatives(QosSpec spec, ClusterSnapshot snapshot, Objective objective, ComponentSpec c,
      List<MemberCluster> eligible, SortedMap<String, SortedMap<ClusterId, Integer>> assignment) {
    SortedMap<ClusterId, Integer> at = assignment.get(c.name());
    Map<ClusterId, MemberCluster> byId = snapshot.byId();
    ClusterId from = at.keySet().stream().max(Comparator.comparingDouble((ClusterId id) -> objective.unaryPerReplica(c, byId.get(id)))
        .thenComparing(Comparator.naturalOrder())).orElseThrow();
    double base = objective.evaluate(assignment).value();
    List<Explanation.Alternative> out = new ArrayList<>();
    List<MemberCluster> others = eligible.stream().filter(x -> !at.containsKey(x.id()))
        .sorted(Comparator.comparingDouble((MemberCluster x) -> objective.unaryPerReplica(c, x)).thenComparingLong(x -> TieBreak.of(spec.name(), x.id())))
        .limit(ALTERNATIVES).toList();
    for (MemberCluster x : others) {
      SortedMap<String, SortedMap<ClusterId, Integer>> moved = new TreeMap<>(assignment);
      SortedMap<ClusterId, Integer> shifted = new TreeMap<>(at);
      shifted.merge(from, -1, Integer::sum);
      shifted.remove(from, 0);
      shifted.merge(x.id(), 1, Integer::sum);
      moved.put(c.name(), shifted);
      List<String> broken = Feasibility.violations(spec, snapshot, moved);
      double value = objective.evaluate(moved).value();
      out.add(new Explanation.Alternative(x.id(), base > 0 ? (value / base - 1) * 100 : 0, broken.isEmpty() ? "" : broken.getFirst()));
    }
    return out;
  }

  private static Explanation explain(QosSpec spec, ClusterSnapshot snapshot, Eligibility el, Objective objective,
      SortedMap<String, SortedMap<ClusterId, Integer>> assignment) {
    Map<ClusterId, MemberCluster> byId = snapshot.byId();
    List<Explanation.ComponentChoice> choices = new ArrayList<>();
    for (ComponentSpec c : spec.components()) {
      SortedMap<ClusterId, Integer> at = assignment.get(c.name());
      List<Explanation.Share> shares = at.entrySet().stream().map(e -> {
        MemberCluster x = byId.get(e.getKey());
        return new Explanation.Share(x.id(), x.tier(), e.getValue(), Objective.energyPerReplica(c, x), Objective.costPerReplica(c, x), x.utilisation());
      }).toList();
      List<Explanation.Alternative> alternatives = alternatives(spec, snapshot, objective, c, el.eligible().get(c.name()), assignment);
      choices.add(new Explanation.ComponentChoice(c.name(), spec.spreadOf(c), shares, alternatives, el.rejected().get(c.name())));
    }
    List<String> notes = new ArrayList<>();
    if (spec.weights().normalised().performance() > 0 && !objective.evaluate(assignment).hasLatencyTerms()) {
      notes.add("performance counts only headroom here: no talksTo edges and no constraints.userRegions");
    }
    return new Explanation(spec.name(), NAME, spec.weights(), objective.evaluate(assignment), choices, notes);
  }
}
