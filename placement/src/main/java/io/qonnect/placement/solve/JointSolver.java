package io.qonnect.placement.solve;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.LatencyMatrix;
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
 *       exact {@link Objective} drops. Where capacity binds, an ejection move lifts the occupants out of a
 *       cluster the component wants, places the component there first and re-places the occupants. Bounded
 *       rounds; moves are kept only when they lower the objective.
 * </ol>
 *
 * A component that cannot be placed is moved to the front and the greedy pass restarts (at most once per
 * component); if every start fails, a bounded backtracking search over the components' candidate sets
 * runs before the solver gives up with the first failing component's problem.
 */
public final class JointSolver {
  /** How many of a component's best clusters the improvement pass tries as a forced first choice. */
  static final int SEEDS = 8;
  /** Pairs among this many best clusters are tried too, for components that span more than one. */
  static final int PAIR_SEEDS = 6;
  static final int ROUNDS = 4;
  /** Clusters × components × starts the solver may spend on extra starts (3 starts at 100 × 20, 2 at 1,000 × 20). */
  static final long START_BUDGET = 6_000;
  /**
   * Cluster evaluations (one cluster scored or scanned for one component) the solver may spend beyond the
   * first greedy pass. Counted, not timed, so the outcome never depends on the machine. Small instances
   * never reach it; large instances stop improving when it is spent (see docs/benchmarks.md for the trade-off).
   */
  static final long WORK_BUDGET = 30_000;
  /** The most components an ejection move lifts out of one cluster. */
  static final int MAX_EJECTED = 3;
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
  private final LatencyMatrix latency;

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
    this.latency = snapshot.latency();
  }

  public Result solve() {
    Result.Failed firstFailure = null;
    Attempt best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    Deque<Start> pending = new ArrayDeque<>(starts());
    Set<Start> tried = new java.util.HashSet<>();
    int promotions = 0;
    while (!pending.isEmpty() && (best == null || budgetLeft())) {
      Start start = pending.poll();
      if (!tried.add(start)) continue;
      List<String> order = start.order();
      Attempt attempt = greedy(start);
      if (attempt.failure != null) {
        if (firstFailure == null) firstFailure = attempt.failure;
        // The component that found no room goes first next time, a bounded number of times.
        String failed = attempt.failure.component();
        if (best == null && promotions++ < components.size() && !order.getFirst().equals(failed)) {
          List<String> promoted = new ArrayList<>(order);
          promoted.remove(failed);
          promoted.addFirst(failed);
          pending.addFirst(new Start(promoted, List.of()));
        }
        continue;
      }
      double value = improve(order, attempt.assignment, attempt.free);
      if (value < bestValue - EPSILON) {
        best = attempt;
        bestValue = value;
      }
    }
    if (best == null) {
      // Every greedy start failed: search with backtracking before calling the application unschedulable.
      List<String> order = starts().get(1).order();
      SortedMap<String, SortedMap<ClusterId, Integer>> assignment = new TreeMap<>();
      Map<ClusterId, Resources> free = new HashMap<>(initialFree);
      long[] nodes = {0};
      if (backtrack(order, 0, assignment, free, nodes)) {
        improve(order, assignment, free);
        return new Result.Solved(assignment);
      }
    }
    return best != null ? new Result.Solved(best.assignment) : firstFailure;
  }

  /** Nodes the backtracking fallback may visit: complete on small instances, bounded on large ones. */
  static final long BACKTRACK_NODES = 20_000;

  /** Depth-first over each component's seed sets in order; true when every component found a place. */
  private boolean backtrack(List<String> order, int i, SortedMap<String, SortedMap<ClusterId, Integer>> assignment,
      Map<ClusterId, Resources> free, long[] nodes) {
    if (i == order.size()) return true;
    ComponentSpec c = components.get(order.get(i));
    List<MemberCluster> candidates = ranked(c, assignment, free);
    for (List<MemberCluster> seed : seeds(c, candidates)) {
      if (++nodes[0] > BACKTRACK_NODES) return false;
      Choice choice = choose(c, candidates, assignment, free, seed);
      if (choice.clusters == null) continue;
      take(c.name(), choice.clusters, assignment, free);
      if (backtrack(order, i + 1, assignment, free, nodes)) return true;
      release(c.name(), assignment, free);
    }
    return false;
  }

  /** A greedy pass: the component order, and optionally the cluster the first component must start on. */
  private record Start(List<String> order, List<ClusterId> firstClusters) {}

  /**
   * Where greedy passes start: the default order (priority, then along talksTo), the most constrained
   * first (fewest eligible clusters, then largest demand), then the default order with its first component
   * forced onto each of its best clusters, then each component moved to the front — as many as the work
   * budget allows for this instance's size.
   */
  private List<Start> starts() {
    List<String> base = order();
    long work = (long) Math.max(1, initialFree.size()) * base.size();
    int count = (int) Math.max(2, START_BUDGET / work);
    List<Start> out = new ArrayList<>();
    out.add(new Start(base, List.of()));
    List<String> constrained = new ArrayList<>(base);
    constrained.sort(Comparator.comparingInt((String n) -> eligible.getOrDefault(n, List.of()).size())
        .thenComparing(n -> -components.get(n).resources().times(components.get(n).replicas()).cpuMillis())
        .thenComparing(n -> n));
    out.add(new Start(constrained, List.of()));
    ComponentSpec first = components.get(base.getFirst());
    for (List<MemberCluster> seed : seeds(first, ranked(first, new TreeMap<>(), initialFree))) {
      if (out.size() >= count) break;
      if (!seed.isEmpty()) out.add(new Start(base, seed.stream().map(MemberCluster::id).toList()));
    }
    for (int i = 1; i < base.size() && out.size() < count; i++) {
      List<String> order = new ArrayList<>(base);
      order.addFirst(order.remove(i));
      out.add(new Start(order, List.of()));
    }
    return out;
  }

  private record Attempt(SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free, Result.Failed failure) {}

  private Attempt greedy(Start start) {
    SortedMap<String, SortedMap<ClusterId, Integer>> assignment = new TreeMap<>();
    Map<ClusterId, Resources> free = new HashMap<>(initialFree);
    for (String name : start.order()) {
      ComponentSpec c = components.get(name);
      List<MemberCluster> candidates = ranked(c, assignment, free);
      List<MemberCluster> seed = name.equals(start.order().getFirst())
          ? candidates.stream().filter(x -> start.firstClusters().contains(x.id())).toList() : List.of();
      Choice choice = choose(c, candidates, assignment, free, seed);
      if (choice.clusters == null) return new Attempt(assignment, free, new Result.Failed(name, choice.problem));
      take(name, choice.clusters, assignment, free);
    }
    return new Attempt(assignment, free, null);
  }

  /** Local improvement; returns the objective of the final assignment. */
  private double improve(List<String> order, SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    double best = objective.evaluate(assignment).value();
    for (int round = 0; round < ROUNDS; round++) {
      boolean moved = false;
      for (String name : order) {
        if (!budgetLeft()) return best;
        ComponentSpec c = components.get(name);
        SortedMap<ClusterId, Integer> current = release(name, assignment, free);
        List<MemberCluster> candidates = ranked(c, assignment, free);
        SortedMap<ClusterId, Integer> bestHere = current;
        for (List<MemberCluster> seed : seeds(c, candidates)) {
          work += candidates.size() / 4;
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
        double afterEjection = budgetLeft() ? eject(c, assignment, free, best) : best;
        moved |= afterEjection < best;
        best = afterEjection;
      }
      for (List<String> pair : coupledPairs(order, assignment, free)) {
        if (!budgetLeft()) return best;
        double afterPair = movePair(components.get(pair.get(0)), components.get(pair.get(1)), assignment, free, best);
        moved |= afterPair < best;
        best = afterPair;
      }
      if (!moved) return best;
    }
    return best;
  }

  /**
   * Pairs of components whose placements constrain each other, each in both orders: a caller and its callee
   * (latency), and two components sharing a cluster that has no room for another replica of either
   * (capacity). Pairs that merely share roomy clusters are left out, so slack instances stay cheap.
   */
  private List<List<String>> coupledPairs(List<String> order, Map<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free) {
    java.util.LinkedHashSet<List<String>> out = new java.util.LinkedHashSet<>();
    for (String a : order) {
      for (String b : components.get(a).talksTo()) {
        out.add(List.of(a, b));
        out.add(List.of(b, a));
      }
    }
    for (int i = 0; i < order.size(); i++) {
      for (int j = i + 1; j < order.size(); j++) {
        String a = order.get(i);
        String b = order.get(j);
        Resources ra = components.get(a).resources();
        Resources rb = components.get(b).resources();
        boolean tight = assignment.get(a).keySet().stream().anyMatch(x -> assignment.get(b).containsKey(x)
            && (!ra.fitsIn(free.get(x)) || !rb.fitsIn(free.get(x))));
        if (tight) {
          out.add(List.of(a, b));
          out.add(List.of(b, a));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Re-places two coupled components together: {@code a} on each of its seed cluster sets in turn, {@code b}
   * then chosen against it. Finds moves that neither component improves alone.
   */
  private double movePair(ComponentSpec a, ComponentSpec b, SortedMap<String, SortedMap<ClusterId, Integer>> assignment,
      Map<ClusterId, Resources> free, double best) {
    SortedMap<String, SortedMap<ClusterId, Integer>> savedAssignment = new TreeMap<>(assignment);
    Map<ClusterId, Resources> savedFree = new HashMap<>(free);
    release(a.name(), assignment, free);
    release(b.name(), assignment, free);
    List<MemberCluster> candidates = ranked(a, assignment, free);
    SortedMap<String, SortedMap<ClusterId, Integer>> bestAssignment = null;
    Map<ClusterId, Resources> bestFree = null;
    Map<ClusterId, Resources> released = new HashMap<>(free);
    for (List<MemberCluster> seed : seeds(a, candidates)) {
      if (!budgetLeft()) break;
      work += candidates.size() / 2 + free.size() / 8;
      if (place(a, candidates, assignment, free, seed) && place(b, ranked(b, assignment, free), assignment, free, List.of())) {
        double value = objective.evaluate(assignment).value();
        if (value < best - EPSILON) {
          best = value;
          bestAssignment = new TreeMap<>(assignment);
          bestFree = new HashMap<>(free);
        }
      }
      assignment.remove(a.name());
      assignment.remove(b.name());
      free.clear();
      free.putAll(released);
    }
    assignment.clear();
    free.clear();
    assignment.putAll(bestAssignment != null ? bestAssignment : savedAssignment);
    free.putAll(bestFree != null ? bestFree : savedFree);
    return best;
  }

  /**
   * Tries, for each of {@code c}'s best clusters (by per-replica cost) where it lacks room for all its
   * replicas, to lift out the other components there, place {@code c} with that cluster first, then
   * re-place them. Keeps the first move that lowers the objective; returns the objective after.
   */
  private double eject(ComponentSpec c, SortedMap<String, SortedMap<ClusterId, Integer>> assignment, Map<ClusterId, Resources> free, double best) {
    List<MemberCluster> wanted = eligible.getOrDefault(c.name(), List.of()).stream()
        .filter(x -> !assignment.get(c.name()).containsKey(x.id()))
        .filter(x -> ReplicaDivider.room(x, c.resources(), free) < c.replicas())
        .sorted(Comparator.comparingDouble((MemberCluster x) -> objective.unaryPerReplica(c, x)).thenComparingLong(x -> tie.get(x.id())))
        .limit(SEEDS).toList();
    for (MemberCluster x : wanted) {
      List<String> occupants = assignment.entrySet().stream()
          .filter(e -> !e.getKey().equals(c.name()) && e.getValue().containsKey(x.id())).map(Map.Entry::getKey).toList();
      if (occupants.isEmpty() || occupants.size() > MAX_EJECTED) continue;
      SortedMap<String, SortedMap<ClusterId, Integer>> savedAssignment = new TreeMap<>(assignment);
      Map<ClusterId, Resources> savedFree = new HashMap<>(free);
      release(c.name(), assignment, free);
      occupants.forEach(o -> release(o, assignment, free));
      SortedMap<String, SortedMap<ClusterId, Integer>> lifted = new TreeMap<>(assignment);
      Map<ClusterId, Resources> liftedFree = new HashMap<>(free);
      List<MemberCluster> candidates = ranked(c, assignment, free);
      for (List<MemberCluster> seed : seeds(c, candidates)) {
        if (!seed.contains(x)) continue;
        work += candidates.size() / 2 + free.size() / 8;
        boolean ok = place(c, candidates, assignment, free, seed);
        for (String o : occupants) ok = ok && place(components.get(o), ranked(components.get(o), assignment, free), assignment, free, List.of());
        if (ok) {
          double value = objective.evaluate(assignment).value();
          if (value < best - EPSILON) return value;
        }
        assignment.clear();
        assignment.putAll(lifted);
        free.clear();
        free.putAll(liftedFree);
      }
      assignment.clear();
      assignment.putAll(savedAssignment);
      free.clear();
      free.putAll(savedFree);
    }
    return best;
  }

  /** Forced first choices to try: none, each of the best few clusters, and pairs of the very best. */
  private List<List<MemberCluster>> seeds(ComponentSpec c, List<MemberCluster> candidates) {
    List<List<MemberCluster>> out = new ArrayList<>();
    out.add(List.of());
    candidates.stream().limit(SEEDS).forEach(x -> out.add(List.of(x)));
    if (!c.singleton() && c.replicas() > 1) {
      List<MemberCluster> top = candidates.stream().limit(PAIR_SEEDS).toList();
      for (int i = 0; i < top.size(); i++) for (int j = i + 1; j < top.size(); j++) out.add(List.of(top.get(i), top.get(j)));
    }
    return out;
  }

  private boolean place(ComponentSpec c, List<MemberCluster> candidates, SortedMap<String, SortedMap<ClusterId, Integer>> assignment,
      Map<ClusterId, Resources> free, List<MemberCluster> seed) {
    for (MemberCluster s : seed) if (candidates.stream().noneMatch(x -> x.id().equals(s.id()))) return false;
    Choice choice = choose(c, candidates, assignment, free, seed);
    if (choice.clusters == null) return false;
    take(c.name(), choice.clusters, assignment, free);
    return true;
  }

  private record Choice(SortedMap<ClusterId, Integer> clusters, String problem) {}

  /**
   * The best clusters for {@code c} given everything else in {@code assignment}; {@code candidates} come
   * from {@link #ranked} for that same state; the {@code seed} clusters are taken first.
   */
  private Choice choose(ComponentSpec c, List<MemberCluster> candidates, Map<String, SortedMap<ClusterId, Integer>> assignment,
      Map<ClusterId, Resources> free, List<MemberCluster> seed) {
    if (candidates.isEmpty()) return new Choice(null, noCandidateProblem(c, assignment, free));
    int maxClusters = c.singleton() ? 1 : c.replicas();
    int spread = spec.spreadOf(c);

    List<Demand> demands = demands(c, assignment);
    List<MemberCluster> chosen = new ArrayList<>();
    if (seed.size() > maxClusters) return new Choice(null, "more seed clusters than the component may span");
    chosen.addAll(seed);
    Set<ClusterId> chosenIds = new java.util.HashSet<>();
    seed.forEach(x -> chosenIds.add(x.id()));
    // Cover every latency demand first: the candidate covering the most uncovered demands, best first.
    List<Demand> uncovered = new ArrayList<>();
    for (Demand d : demands) if (!coveredByAny(d, chosen)) uncovered.add(d);
    while (!uncovered.isEmpty()) {
      if (chosen.size() >= maxClusters) return new Choice(null, uncoveredProblem(c, uncovered));
      MemberCluster pick = null;
      long pickCovers = 0;
      for (MemberCluster x : candidates) {
        if (chosenIds.contains(x.id())) continue;
        long covers = 0;
        int row = objective.row(x.id());
        for (Demand d : uncovered) if (d.coveredBy(x, row)) covers++;
        if (covers > pickCovers) {
          pick = x;
          pickCovers = covers;
        }
      }
      if (pick == null) return new Choice(null, uncoveredProblem(c, uncovered));
      chosen.add(pick);
      chosenIds.add(pick.id());
      MemberCluster picked = pick;
      int pickedRow = objective.row(pick.id());
      uncovered.removeIf(d -> d.coveredBy(picked, pickedRow));
    }
    for (MemberCluster x : candidates) {
      if (chosen.size() >= spread) break;
      if (chosenIds.add(x.id())) chosen.add(x);
    }
    if (chosen.size() < spread) {
      return new Choice(null, "failover.minClusters needs " + spread + " clusters, only " + chosen.size() + " can take it");
    }
    List<MemberCluster> byUnary = new ArrayList<>(chosen);
    byUnary.sort(Comparator.comparingDouble((MemberCluster x) -> objective.unaryPerReplica(c, x)).thenComparingLong(x -> tie.get(x.id())));
    List<MemberCluster> spares = new ArrayList<>(candidates.size());
    for (MemberCluster x : candidates) if (!chosenIds.contains(x.id())) spares.add(x);
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
    List<MemberCluster> byCost = byCost(c, assignment);
    List<MemberCluster> out = new ArrayList<>(byCost.size());
    work += byCost.size() / 8; // a cheap scan, counted so repeated scans still use the budget
    for (MemberCluster x : byCost) if (ReplicaDivider.room(x, c.resources(), free) >= 1) out.add(x);
    return out;
  }

  /** Where the neighbours of one component were when it was last ranked, and the ranking then. */
  private record Ranking(List<SortedMap<ClusterId, Integer>> neighbours, List<MemberCluster> byCost) {}

  private final Map<String, Ranking> rankings = new HashMap<>();
  /** Cluster evaluations spent so far; see {@link #WORK_BUDGET}. */
  private long work;

  private boolean budgetLeft() {
    return work < WORK_BUDGET;
  }

  /**
   * Eligible clusters that reach every placed callee in time, by marginal cost. The cost depends only on
   * where the component's neighbours are, so the ranking is cached until one of them moves.
   */
  private List<MemberCluster> byCost(ComponentSpec c, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    List<SortedMap<ClusterId, Integer>> neighbours = new ArrayList<>();
    for (String n : c.talksTo()) neighbours.add(assignment.get(n));
    for (String n : callers.getOrDefault(c.name(), List.of())) neighbours.add(assignment.get(n));
    Ranking cached = rankings.get(c.name());
    if (cached != null && cached.neighbours().equals(neighbours)) return cached.byCost();
    work += eligible.getOrDefault(c.name(), List.of()).size();
    record Scored(MemberCluster cluster, double cost, long tie) {}
    List<Scored> scored = new ArrayList<>();
    Neighbourhood around = neighbourhood(c, assignment);
    for (MemberCluster x : eligible.getOrDefault(c.name(), List.of())) {
      int row = objective.row(x.id());
      if (!around.reachesCallees(x.id(), row)) continue;
      scored.add(new Scored(x, around.marginal(c, x, row), tie.get(x.id())));
    }
    scored.sort((p, q) -> {
      int byCost = Double.compare(p.cost(), q.cost());
      return byCost != 0 ? byCost : Long.compare(p.tie(), q.tie());
    });
    List<MemberCluster> byCost = new ArrayList<>(scored.size());
    for (Scored s : scored) byCost.add(s.cluster());
    byCost = java.util.Collections.unmodifiableList(byCost);
    rankings.put(c.name(), new Ranking(neighbours, byCost));
    return byCost;
  }

  /** The clusters one placed neighbour runs on, with their latency rows and shares of its replicas, in key order. */
  private record Footprint(ClusterId[] ids, int[] rows, double[] shares) {}

  /**
   * Where a component's placed callees and callers run, and whether its users call it, looked up once for ranking
   * every eligible cluster against them (the sums run in the same order as over the assignment's maps, so each cost
   * is the same number).
   */
  private final class Neighbourhood {
    private final List<Footprint> callees;
    private final List<Footprint> callers;
    /** Whether the component is an entry one: its users' round trips count. */
    private final boolean entry;

    Neighbourhood(List<Footprint> callees, List<Footprint> callers, boolean entry) {
      this.callees = callees;
      this.callers = callers;
      this.entry = entry;
    }

    /** Whether {@code x} is within the latency limit of some cluster of every placed callee. */
    boolean reachesCallees(ClusterId x, int row) {
      if (!latencyBound) return true;
      for (Footprint callee : callees) {
        boolean reaches = false;
        for (int i = 0; i < callee.ids().length && !reaches; i++) reaches = withinLimit(x, row, callee.ids()[i], callee.rows()[i]);
        if (!reaches) return false;
      }
      return true;
    }

    /** Cost of putting all of {@code c} on {@code x}: per-replica part plus latency to placed neighbours. */
    double marginal(ComponentSpec c, MemberCluster x, int row) {
      double ms = 0;
      for (Footprint callee : callees) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < callee.ids().length; i++) best = Math.min(best, objective.latencyOrWorst(x.id(), row, callee.ids()[i], callee.rows()[i]));
        ms += best;
      }
      for (Footprint caller : callers) {
        for (int i = 0; i < caller.ids().length; i++) ms += caller.shares()[i] * objective.latencyOrWorst(caller.ids()[i], caller.rows()[i], x.id(), row);
      }
      if (entry) {
        for (double fromUsers : objective.userLatenciesOrWorst(x.id())) ms += fromUsers;
      }
      return c.replicas() * objective.unaryPerReplica(c, x) + objective.perLatencyMs() * ms;
    }
  }

  private Neighbourhood neighbourhood(ComponentSpec c, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    List<Footprint> callees = new ArrayList<>();
    for (String callee : c.talksTo()) footprint(assignment.get(callee)).ifPresent(callees::add);
    List<Footprint> callers = new ArrayList<>();
    for (String caller : this.callers.getOrDefault(c.name(), List.of())) footprint(assignment.get(caller)).ifPresent(callers::add);
    return new Neighbourhood(callees, callers, entries.contains(c.name()));
  }

  private Optional<Footprint> footprint(SortedMap<ClusterId, Integer> at) {
    if (at == null || at.isEmpty()) return Optional.empty();
    int total = 0;
    for (int n : at.values()) total += n;
    ClusterId[] ids = new ClusterId[at.size()];
    int[] rows = new int[ids.length];
    double[] shares = new double[ids.length];
    int i = 0;
    for (var e : at.entrySet()) {
      ids[i] = e.getKey();
      rows[i] = objective.row(e.getKey());
      shares[i++] = (double) e.getValue() / total;
    }
    return Optional.of(new Footprint(ids, rows, shares));
  }

  private boolean coveredByAny(Demand d, List<MemberCluster> clusters) {
    for (MemberCluster x : clusters) if (d.coveredBy(x, objective.row(x.id()))) return true;
    return false;
  }

  /** A point that some chosen cluster must be within maxLatencyMs of: a caller's cluster or a user region. */
  private record Demand(String what, Reach test) {
    boolean coveredBy(MemberCluster x, int row) {
      return test.within(x, row);
    }
  }

  /** Whether a cluster (with its latency row, {@link Objective#row}) is close enough to a demand's point. */
  private interface Reach {
    boolean within(MemberCluster x, int row);
  }

  private List<Demand> demands(ComponentSpec c, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    if (!latencyBound) return List.of();
    List<Demand> out = new ArrayList<>();
    for (String caller : callers.getOrDefault(c.name(), List.of())) {
      SortedMap<ClusterId, Integer> at = assignment.get(caller);
      if (at == null) continue;
      for (ClusterId a : at.keySet()) {
        int row = objective.row(a);
        out.add(new Demand(caller + "@" + a, (x, xRow) -> withinLimit(a, row, x.id(), xRow)));
      }
    }
    if (entries.contains(c.name())) {
      for (String region : spec.constraints().userRegions()) {
        out.add(new Demand("users in " + region, (x, xRow) -> Feasibility.within(latency.fromUsers(region, x.id()), limit)));
      }
    }
    return out;
  }

  /**
   * The hard limit as {@link Feasibility} checks it: an unknown latency is too far. (The objective's
   * "latency or worst" stands for an unknown one at the limit itself, which would pass a ≤ test.) The rows are the
   * clusters' in the latency matrix ({@link Objective#row}), looked up once by the caller.
   */
  private boolean withinLimit(ClusterId from, int fromRow, ClusterId to, int toRow) {
    if (from.equals(to)) return 0 <= limit;
    double ms = latency.rtt(fromRow, toRow);
    return !Double.isNaN(ms) && ms <= limit;
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
