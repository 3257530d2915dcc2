package io.qonnect.placement.solve;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.Resources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Places all components of one application jointly.
 *
 * <ol>
 *   <li><b>Greedy:</b> components in order (priority, then along talksTo from the entry components); each
 *       takes the clusters with the lowest marginal cost given those already placed, first covering every
 *       latency demand (callers' clusters, user regions), then spreading to its minimum cluster count; the
 *       {@link ReplicaDivider} fills them within free capacity. Capacity is shared across components.
 *   <li><b>Improvement:</b> each component in turn is lifted out and re-placed against all the others,
 *       also trying each of its few best clusters as a forced first choice; a move is kept only if the
 *       exact {@link Objective} drops. Bounded rounds.
 * </ol>
 *
 * A component that cannot be placed is moved to the front and the greedy pass restarts (at most once per
 * component) before the solver gives up with that component's problem.
 */
public final class JointSolver {
  /** How many of a component's best clusters the improvement pass tries as a forced first choice. */
  static final int SEEDS = 8;
  static final int ROUNDS = 4;
  private static final double EPSILON = 1e-12;

  public sealed interface Result {
    record Solved(SortedMap<String, SortedMap<ClusterId, Integer>> assignment) implements Result {}

    record Failed(String component, String problem) implements Result {}
  }

  private final QosSpec spec;
  private final Map<String, List<MemberCluster>> eligible;
  private final Objective objective;
  private final Map<String, ComponentSpec> components = new HashMap<>();
  private final Map<String, List<String>> callers = new HashMap<>();
  private final Set<String> entries;
  private final Map<ClusterId, Long> tie = new HashMap<>();
  private final Map<ClusterId, Resources> initialFree = new HashMap<>();
  private final int limit;
  private final boolean latencyBound;

  public JointSolver(QosSpec spec, ClusterSnapshot snapshot, Map<String, List<MemberCluster>> eligible, Objective objective) {
    this.spec = spec;
    this.eligible = eligible;
    this.objective = objective;
    for (ComponentSpec c : spec.components()) {
      components.put(c.name(), c);
      for (String t : c.talksTo()) callers.computeIfAbsent(t, k -> new ArrayList<>()).add(c.name());
    }
    this.entries = new LinkedHashSet<>(spec.entryComponents().stream().map(ComponentSpec::name).toList());
    for (MemberCluster x : snapshot.clusters()) {
      tie.put(x.id(), TieBreak.of(spec.name(), x.id()));
      initialFree.put(x.id(), x.free());
    }
    this.limit = spec.constraints().maxLatencyMs().orElse(Integer.MAX_VALUE);
    this.latencyBound = spec.constraints().maxLatencyMs().isPresent();
  }

  public Result solve() {
    List<String> order = order();
    Result.Failed firstFailure = null;
    Set<String> promoted = new LinkedHashSet<>();
    while (true) {
      Attempt attempt = greedy(order);
      if (attempt.failure == null) {
        improve(order, attempt.assignment, attempt.free);
        return new Result.Solved(attempt.assignment);
      }
      if (firstFailure == null) firstFailure = attempt.failure;
      String failed = attempt.failure.component();
      if (!promoted.add(failed) || order.getFirst().equals(failed)) return firstFailure;
      order = new ArrayList<>(order);
      order.remove(failed);
      order.addFirst(failed);
    }
  }

  private record Attempt(SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free, Result.Failed failure) {}

  private Attempt greedy(List<String> order) {
    SortedMap<String, SortedMap<ClusterId, Integer>> assignment = new TreeMap<>();
    Map<ClusterId, Resources> free = new HashMap<>(initialFree);
    for (String name : order) {
      ComponentSpec c = components.get(name);
      Choice choice = choose(c, ranked(c, assignment, free), assignment, free, null);
      if (choice.clusters == null) return new Attempt(assignment, free, new Result.Failed(name, choice.problem));
      take(name, choice.clusters, assignment, free);
    }
    return new Attempt(assignment, free, null);
  }

  private void improve(List<String> order, SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    double best = objective.evaluate(assignment).value();
    for (int round = 0; round < ROUNDS; round++) {
      boolean moved = false;
      for (String name : order) {
        ComponentSpec c = components.get(name);
        SortedMap<ClusterId, Integer> current = release(name, assignment, free);
        List<MemberCluster> candidates = ranked(c, assignment, free);
        List<MemberCluster> seeds = new ArrayList<>();
        seeds.add(null);
        seeds.addAll(candidates.stream().limit(SEEDS).toList());
        SortedMap<ClusterId, Integer> bestHere = current;
        for (MemberCluster seed : seeds) {
          Choice choice = choose(c, candidates, assignment, free, seed);
          if (choice.clusters == null || choice.clusters.equals(bestHere)) continue;
          assignment.put(name, choice.clusters);
          double value = objective.evaluate(assignment).value();
          if (value < best - EPSILON) {
            best = value;
            bestHere = choice.clusters;
          }
        }
        take(name, bestHere, assignment, free);
        moved |= bestHere != current;
      }
      if (!moved) return;
    }
  }

  private record Choice(SortedMap<ClusterId, Integer> clusters, String problem) {}

  /**
   * The best clusters for {@code c} given everything else in {@code assignment}; {@code candidates} come
   * from {@link #ranked} for that same state; {@code seed}, when not null, is taken first.
   */
  private Choice choose(ComponentSpec c, List<MemberCluster> candidates, Map<String, SortedMap<ClusterId, Integer>> assignment,
      Map<ClusterId, Resources> free, MemberCluster seed) {
    if (candidates.isEmpty()) return new Choice(null, noCandidateProblem(c, assignment, free));
    int maxClusters = c.singleton() ? 1 : c.replicas();
    int spread = spec.spreadOf(c);

    List<Demand> demands = demands(c, assignment);
    List<MemberCluster> chosen = new ArrayList<>();
    if (seed != null) {
      if (!candidates.contains(seed)) return new Choice(null, "seed not a candidate");
      chosen.add(seed);
    }
    // Cover every latency demand first: the candidate covering the most uncovered demands, best first.
    List<Demand> uncovered = new ArrayList<>(demands.stream().filter(d -> chosen.stream().noneMatch(d::coveredBy)).toList());
    while (!uncovered.isEmpty()) {
      if (chosen.size() >= maxClusters) return new Choice(null, uncoveredProblem(c, uncovered));
      MemberCluster pick = null;
      long pickCovers = 0;
      for (MemberCluster x : candidates) {
        if (chosen.contains(x)) continue;
        long covers = uncovered.stream().filter(d -> d.coveredBy(x)).count();
        if (covers > pickCovers) {
          pick = x;
          pickCovers = covers;
        }
      }
      if (pick == null) return new Choice(null, uncoveredProblem(c, uncovered));
      chosen.add(pick);
      MemberCluster picked = pick;
      uncovered.removeIf(d -> d.coveredBy(picked));
    }
    for (MemberCluster x : candidates) {
      if (chosen.size() >= spread) break;
      if (!chosen.contains(x)) chosen.add(x);
    }
    if (chosen.size() < spread) {
      return new Choice(null, "failover.minClusters needs " + spread + " clusters, only " + chosen.size() + " can take it");
    }
    List<MemberCluster> byUnary = new ArrayList<>(chosen);
    byUnary.sort(Comparator.comparingDouble((MemberCluster x) -> objective.unaryPerReplica(c, x)).thenComparingLong(tie::get));
    List<MemberCluster> spares = candidates.stream().filter(x -> !chosen.contains(x)).toList();
    Optional<SortedMap<ClusterId, Integer>> divided = ReplicaDivider.divide(c.replicas(), c.resources(), byUnary, spares, maxClusters, free);
    if (divided.isEmpty()) {
      long room = candidates.stream().mapToLong(x -> ReplicaDivider.room(x, c.resources(), free)).sum();
      return new Choice(null, "capacity: " + c.replicas() + " replicas of " + c.resources() + " wanted, "
          + (c.singleton() ? "a singleton needs one cluster with room" : "room for " + room + " in the eligible clusters"));
    }
    return new Choice(divided.get(), "");
  }

  /** Eligible clusters with room for a replica that reach every placed callee in time, by marginal cost. */
  private List<MemberCluster> ranked(ComponentSpec c, Map<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    record Scored(MemberCluster cluster, double cost, long tie) {}
    List<Scored> scored = new ArrayList<>();
    for (MemberCluster x : eligible.getOrDefault(c.name(), List.of())) {
      if (ReplicaDivider.room(x, c.resources(), free) < 1) continue;
      if (!reachesCallees(c, x, assignment)) continue;
      scored.add(new Scored(x, marginal(c, x, assignment), tie.get(x.id())));
    }
    scored.sort(Comparator.comparingDouble(Scored::cost).thenComparingLong(Scored::tie));
    return scored.stream().map(Scored::cluster).toList();
  }

  private boolean reachesCallees(ComponentSpec c, MemberCluster x, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    if (!latencyBound) return true;
    for (String callee : c.talksTo()) {
      SortedMap<ClusterId, Integer> at = assignment.get(callee);
      if (at == null || at.isEmpty()) continue;
      if (at.keySet().stream().noneMatch(y -> objective.latencyOrWorst(x.id(), y) <= limit)) return false;
    }
    return true;
  }

  /** Cost of putting all of {@code c} on {@code x}: per-replica part plus latency to placed neighbours. */
  private double marginal(ComponentSpec c, MemberCluster x, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    double ms = 0;
    for (String callee : c.talksTo()) {
      SortedMap<ClusterId, Integer> at = assignment.get(callee);
      if (at == null || at.isEmpty()) continue;
      double best = Double.POSITIVE_INFINITY;
      for (ClusterId y : at.keySet()) best = Math.min(best, objective.latencyOrWorst(x.id(), y));
      ms += best;
    }
    for (String caller : callers.getOrDefault(c.name(), List.of())) {
      SortedMap<ClusterId, Integer> at = assignment.get(caller);
      if (at == null || at.isEmpty()) continue;
      int total = at.values().stream().mapToInt(Integer::intValue).sum();
      for (var e : at.entrySet()) ms += (double) e.getValue() / total * objective.latencyOrWorst(e.getKey(), x.id());
    }
    if (entries.contains(c.name())) {
      for (String region : spec.constraints().userRegions()) ms += objective.userLatencyOrWorst(region, x.id());
    }
    return c.replicas() * objective.unaryPerReplica(c, x) + objective.perLatencyMs() * ms;
  }

  /** A point that some chosen cluster must be within maxLatencyMs of: a caller's cluster or a user region. */
  private record Demand(String what, java.util.function.Predicate<MemberCluster> test) {
    boolean coveredBy(MemberCluster x) {
      return test.test(x);
    }
  }

  private List<Demand> demands(ComponentSpec c, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    if (!latencyBound) return List.of();
    List<Demand> out = new ArrayList<>();
    for (String caller : callers.getOrDefault(c.name(), List.of())) {
      SortedMap<ClusterId, Integer> at = assignment.get(caller);
      if (at == null) continue;
      for (ClusterId a : at.keySet()) {
        out.add(new Demand(caller + "@" + a, x -> objective.latencyOrWorst(a, x.id()) <= limit));
      }
    }
    if (entries.contains(c.name())) {
      for (String region : spec.constraints().userRegions()) {
        out.add(new Demand("users in " + region, x -> objective.userLatencyOrWorst(region, x.id()) <= limit));
      }
    }
    return out;
  }

  private String uncoveredProblem(ComponentSpec c, List<Demand> uncovered) {
    return "latency: no way to place it within " + limit + " ms of "
        + String.join(", ", uncovered.stream().map(Demand::what).toList())
        + (c.singleton() ? " (a singleton runs in one cluster)" : "");
  }

  private String noCandidateProblem(ComponentSpec c, Map<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    boolean anyRoom = eligible.getOrDefault(c.name(), List.of()).stream().anyMatch(x -> ReplicaDivider.room(x, c.resources(), free) >= 1);
    if (!anyRoom) return "capacity: the other components took the room it needed in its eligible clusters";
    List<String> placedCallees = c.talksTo().stream().filter(t -> assignment.get(t) != null).toList();
    return "latency: no eligible cluster within " + limit + " ms of where " + String.join(", ", placedCallees) + " run";
  }

  private void take(String name, SortedMap<ClusterId, Integer> clusters, SortedMap<String, SortedMap<ClusterId, Integer>> assignment,
      Map<ClusterId, Resources> free) {
    assignment.put(name, clusters);
    Resources each = components.get(name).resources();
    clusters.forEach((id, n) -> free.computeIfPresent(id, (k, f) -> f.minusClamped(each.times(n))));
  }

  private SortedMap<ClusterId, Integer> release(String name, SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    SortedMap<ClusterId, Integer> current = assignment.remove(name);
    Resources each = components.get(name).resources();
    current.forEach((id, n) -> free.merge(id, each.times(n), Resources::plus));
    return current;
  }

  /** Priority first, then breadth-first along talksTo from the entry components (or any unvisited one), then by name. */
  private List<String> order() {
    List<ComponentSpec> byPriority = new ArrayList<>(spec.components());
    byPriority.sort(Comparator.comparingInt(ComponentSpec::priority).reversed().thenComparing(ComponentSpec::name));
    Map<String, Integer> bfs = new HashMap<>();
    List<String> starts = new ArrayList<>(entries.stream().sorted().toList());
    byPriority.forEach(c -> starts.add(c.name()));
    for (String start : starts) {
      Deque<String> queue = new ArrayDeque<>(List.of(start));
      while (!queue.isEmpty()) {
        String n = queue.poll();
        if (bfs.containsKey(n)) continue;
        bfs.put(n, bfs.size());
        components.get(n).talksTo().stream().sorted().forEach(queue::add);
      }
    }
    byPriority.sort(Comparator.comparingInt(ComponentSpec::priority).reversed()
        .thenComparingInt(c -> bfs.get(c.name())).thenComparing(ComponentSpec::name));
    return byPriority.stream().map(ComponentSpec::name).toList();
  }
}
