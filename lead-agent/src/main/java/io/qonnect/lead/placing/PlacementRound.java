package io.qonnect.lead.placing;

import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.state.Diagnoses;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.lead.state.Command.Trigger;
import io.qonnect.placement.Placement;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.Resources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The placement controller's thinking, without I/O or clock: given the committed applications, a cluster
 * snapshot and the time, the decisions to propose. Applications are decided in name order; each sees the
 * capacity the others' placements (committed, or decided earlier in this round) leave free.
 *
 * <p>When an application is decided, and what moves it:
 * <ul>
 *   <li>a new or changed spec: placed afresh at once;
 *   <li>a committed placement on a member cluster that Failed (or is gone): failover, re-placed at once; if
 *       nothing can take it, it is Unschedulable with a diagnosis and keeps running where it still can;
 *   <li>a committed placement that breaks a constraint because observations drifted (latency, capacity):
 *       re-placed once the breach has lasted the hold time, so a wobbling measurement does not move it;
 *   <li>a feasible placement that a fresh one beats by more than the hysteresis margin, continuously for the
 *       hold time: migrated, if fewer than the allowed number of migrations are in flight (and none of its
 *       own). A Suspect cluster keeps what it runs; nothing moves back to a returning cluster unless this
 *       margin says so;
 *   <li>otherwise a change of the member cluster set is acknowledged by re-committing the same placement.
 * </ul>
 * A round runs a bounded number of engine searches (see {@link Policy#reconsiderPerRound}) apart from failovers and
 * broken constraints. Deterministic: the only state is when each application's better alternative (or breach) was
 * first seen, which applications' observations changed since they were last looked at, and whose turn is next.
 */
public final class PlacementRound {
  /**
   * @param hysteresis the fraction of the objective a new placement must gain to be worth a migration
   * @param holdMillis how long it must keep that gain before the migration starts
   * @param maxConcurrentMigrations migrations in flight at once, over all applications (failovers are exempt)
   * @param readyBoundMillis how long a migration may wait for its new placement to run Ready before it is reported
   *     stalled (an event and the application's status say which workloads wait and why; the old copies keep running)
   * @param reconsiderPerRound how many engine searches a round may run apart from failovers and broken constraints
   *     (which are decided in every round whatever their number): new and changed specs first, in name order, then the
   *     applications in turn looked at for something better (a migration, a retry of an unschedulable one, a cluster
   *     set change to acknowledge). The search is the cost of a round: with thousands of applications, a round that
   *     looked at all of them (or placed a burst of thousands of submissions at once) would hold every failover, and
   *     every decision of the round, behind it for minutes.
   */
  public record Policy(double hysteresis, long holdMillis, int maxConcurrentMigrations, long readyBoundMillis, int reconsiderPerRound) {
    /** Enough for every application of a small federation in every round; a large one's are looked at in turn. */
    public static final int RECONSIDER_PER_ROUND = 64;
    public static final Policy DEFAULT = new Policy(0.10, 10_000, 2, 120_000);

    public Policy(double hysteresis, long holdMillis, int maxConcurrentMigrations, long readyBoundMillis) {
      this(hysteresis, holdMillis, maxConcurrentMigrations, readyBoundMillis, RECONSIDER_PER_ROUND);
    }

    public Policy {
      if (hysteresis < 0 || holdMillis < 0 || maxConcurrentMigrations < 1 || readyBoundMillis < 1 || reconsiderPerRound < 1) {
        throw new IllegalArgumentException("invalid migration policy " + this);
      }
    }
  }

  /**
   * How much better than what runs a spec edit's new optimum must be to move it: 2 % of the objective, below
   * which the difference is the wobble of measured latencies and utilisation, not the edit.
   */
  static final double SPEC_CHANGE_MARGIN = 0.02;

  private final PlacementEngine engine;
  private final Function<ApplicationRecord, Parsed<QosSpec>> specs;
  private final Policy policy;
  private final Map<String, Long> betterSince = new HashMap<>();
  /** Applications whose observations changed since they were last looked at for something better. */
  private final Set<String> observationsPending = new HashSet<>();
  /** The last application looked at in turn: the next round's turn starts after it. */
  private String lastInTurn = "";
  /**
   * Each application's serving demand by the record it was computed from (records are replaced, never changed): a round
   * sums every application's, five times a second (at 10,000 applications recomputing them was 5 % of the leader's time).
   */
  private final Map<String, DemandOf> servingDemand = new HashMap<>();

  private record DemandOf(ApplicationRecord record, Map<ClusterId, Resources> demand) {}

  /** The new and changed specs this round places (the first ones by name, within the budget). */
  private Set<String> specsThisRound = Set.of();
  /** Engine searches this round may still run for applications in turn (what the new specs left of the budget). */
  private int searchesLeft;

  /** @param specs parses an application's stored spec (callers may cache by name and spec revision) */
  public PlacementRound(PlacementEngine engine, Function<ApplicationRecord, Parsed<QosSpec>> specs, Policy policy) {
    this.engine = engine;
    this.specs = specs;
    this.policy = policy;
  }

  /** Forgets what was observed so far (on losing leadership: a later term starts its hold times afresh). */
  public void reset() {
    betterSince.clear();
    observationsPending.clear();
    lastInTurn = "";
  }

  /**
   * @param applications every application in the replicated state, sorted by name
   * @param snapshot Healthy clusters schedulable, Suspect ones not, Failed ones absent
   * @param observationsChanged the snapshot differs from the previous round's
   */
  public List<CommitPlacement> decide(List<ApplicationRecord> applications, long clusterSetRevision, ClusterSnapshot snapshot,
      boolean observationsChanged, long nowMillis) {
    List<String> names = applications.stream().map(ApplicationRecord::name).toList();
    // a set to retain by: retainAll asks contains() of its argument once per element kept, and a list answers by
    // scanning: with 10,000 applications pending (a burst of submissions), 10⁸ comparisons, 130 ms a round
    Set<String> live = new HashSet<>(names);
    betterSince.keySet().retainAll(live);
    observationsPending.retainAll(live);
    servingDemand.keySet().retainAll(live);
    if (observationsChanged) observationsPending.addAll(names);
    Set<String> turn = turn(names);
    specsThisRound = applications.stream().filter(a -> a.placedSpecRevision() != a.specRevision()).limit(policy.reconsiderPerRound())
        .map(ApplicationRecord::name).collect(Collectors.toSet());
    searchesLeft = policy.reconsiderPerRound() - specsThisRound.size();
    Map<String, Map<ClusterId, Resources>> demand = new HashMap<>();
    Map<ClusterId, Resources> total = new TreeMap<>();
    for (ApplicationRecord app : applications) {
      Map<ClusterId, Resources> d = servingDemand(app);
      demand.put(app.name(), d);
      d.forEach((c, r) -> total.merge(c, r, Resources::plus));
    }
    int migrations = (int) applications.stream().filter(ApplicationRecord::migrating).count();
    List<CommitPlacement> decisions = new ArrayList<>();
    for (ApplicationRecord app : applications) {
      demand.getOrDefault(app.name(), Map.of()).forEach((c, r) -> total.merge(c, r, Resources::minusClamped));
      // what the others leave free: built only for an application this round searches or assesses (most it does not)
      Supplier<ClusterSnapshot> free = memoized(() -> snapshot.reserve(total));
      CommitPlacement decision = switch (specs.apply(app)) {
        case Parsed.Invalid<QosSpec> invalid -> app.placedSpecRevision() == app.specRevision() ? null
            : unschedulable(app, clusterSetRevision, Trigger.SPEC_CHANGED, "spec", Diagnoses.summaryOnly("the stored spec no longer validates: "
                + invalid.violations().getFirst().message()));
        case Parsed.Valid<QosSpec> valid -> decide(app, valid.value(), clusterSetRevision, snapshot, free, turn.contains(app.name()), nowMillis,
            migrations < policy.maxConcurrentMigrations());
      };
      // until it commits and its migration completes, what a decision replaces keeps running: both hold capacity
      // (and should the decision be rejected, what was reserved for it is reserved for what still runs)
      Placement running = decision == null || decision.placement() == null ? app.serving()
          : app.serving() == null ? decision.placement() : app.serving().union(decision.placement());
      Map<ClusterId, Resources> now = running == app.serving() ? demand.get(app.name()) : demandOf(running, specs.apply(app));
      now.forEach((c, r) -> total.merge(c, r, Resources::plus));
      if (decision == null || repeatsDiagnosis(app, decision, clusterSetRevision)) continue;
      if (decision.placement() != null) decision = decision.withRoom(roomOn(decision.placement(), snapshot));
      if (decision.trigger() == Trigger.MIGRATION) migrations++;
      decisions.add(decision);
    }
    return decisions;
  }

  /**
   * The next {@link Policy#reconsiderPerRound} applications by name after the last one looked at (wrapping around), or
   * all of them when there are no more than that.
   */
  private Set<String> turn(List<String> sortedNames) {
    int n = sortedNames.size();
    if (n <= policy.reconsiderPerRound()) return new HashSet<>(sortedNames);
    int start = Collections.binarySearch(sortedNames, lastInTurn);
    start = start >= 0 ? start + 1 : -start - 1;
    Set<String> turn = new HashSet<>();
    for (int i = 0; i < policy.reconsiderPerRound(); i++) turn.add(sortedNames.get((start + i) % n));
    lastInTurn = sortedNames.get((start + policy.reconsiderPerRound() - 1) % n);
    return turn;
  }

  /** {@code supplier}'s value, computed on the first call only. */
  private static <T> Supplier<T> memoized(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public T get() {
        if (value == null) value = supplier.get();
        return value;
      }
    };
  }

  /**
   * @param snapshot the round's snapshot (which member clusters exist); {@code free}: what the others leave free in it
   * @param inTurn whether this round may look at it for something better (see {@link Policy#reconsiderPerRound})
   */
  private CommitPlacement decide(ApplicationRecord app, QosSpec spec, long clusterSetRevision, ClusterSnapshot snapshot,
      Supplier<ClusterSnapshot> freeSupplier, boolean inTurn, long now, boolean migrationSlotFree) {
    boolean clusterSetChanged = app.placedClusterSetRevision() != clusterSetRevision;
    if (app.placedSpecRevision() != app.specRevision()) {
      if (!specsThisRound.contains(app.name())) return null; // a later round: a burst of submissions is placed in slices
      observationsPending.remove(app.name());
      ClusterSnapshot free = freeSupplier.get();
      return app.placedSpecRevision() == 0 || app.placement() == null ? fresh(app, spec, clusterSetRevision, free, Trigger.NEW_SPEC, "new spec")
          : specChanged(app, spec, clusterSetRevision, free);
    }
    boolean observationsChanged = observationsPending.contains(app.name());
    if (app.placement() == null) {
      if (!inTurn || !(observationsChanged || clusterSetChanged) || searchesLeft <= 0) return null;
      searchesLeft--;
      observationsPending.remove(app.name());
      return fresh(app, spec, clusterSetRevision, freeSupplier.get(), Trigger.RETRY, "retry");
    }
    boolean clusterGone = app.placement().components().values().stream().flatMap(m -> m.keySet().stream()).anyMatch(x -> snapshot.cluster(x).isEmpty());
    if (!clusterGone && !inTurn) return null; // nothing urgent: a drifted constraint or a better placement waits for its turn
    ClusterSnapshot free = freeSupplier.get();
    PlacementEngine.Assessment current = engine.assess(spec, keepingSuspect(free), app.placement());
    if (current.clusterGone()) {
      betterSince.remove(app.name());
      return fresh(app, spec, clusterSetRevision, free, Trigger.FAILOVER, "failover: " + current.violations().getFirst());
    }
    if (!current.feasible()) {
      // broken by drifting observations (latency, capacity): as urgent as a migration, and as prone to wobble
      long since = betterSince.computeIfAbsent(app.name(), k -> now);
      if (now - since >= policy.holdMillis()) {
        betterSince.remove(app.name());
        return fresh(app, spec, clusterSetRevision, free, Trigger.CONSTRAINT, "constraint: " + current.violations().getFirst() + " for " + (now - since) / 1000 + " s");
      }
      return clusterSetChanged ? keep(app, clusterSetRevision) : null;
    }
    boolean reconsider = observationsChanged || clusterSetChanged || betterSince.containsKey(app.name()) || app.unschedulable();
    if (!reconsider || !inTurn || searchesLeft <= 0) return null;
    searchesLeft--;
    observationsPending.remove(app.name());
    if (place(app, spec, free) instanceof PlacementOutcome.Placed better && !better.placement().equals(app.placement())) {
      double gain = current.objective() > 0 ? 1 - better.objective().value() / current.objective() : 0;
      if (gain > policy.hysteresis()) {
        long since = betterSince.computeIfAbsent(app.name(), k -> now);
        if (now - since >= policy.holdMillis() && migrationSlotFree && !app.migrating()) {
          betterSince.remove(app.name());
          return new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, better.placement(), better.explanation().render(), Diagnoses.NONE,
              Trigger.MIGRATION, String.format("migration: objective %.3f -> %.3f (%.0f%% better for %d s)", current.objective(),
                  better.objective().value(), gain * 100, (now - since) / 1000));
        }
        return clusterSetChanged || app.unschedulable() ? keep(app, clusterSetRevision) : null;
      }
    }
    betterSince.remove(app.name());
    return clusterSetChanged || app.unschedulable() ? keep(app, clusterSetRevision) : null;
  }

  /**
   * A new spec revision. When what runs still satisfies it (the same components and replicas, every constraint
   * met: an edit of weights or labels), it moves only if the new optimum is better by more than
   * {@link #SPEC_CHANGE_MARGIN} (measurement noise: the observations an objective is computed from wobble from
   * round to round), and never while a migration is in flight; otherwise it stays, under the new spec revision and
   * the same epoch, so nothing restarts. Anything else is placed afresh.
   */
  private CommitPlacement specChanged(ApplicationRecord app, QosSpec spec, long clusterSetRevision, ClusterSnapshot free) {
    PlacementEngine.Assessment current = engine.assess(spec, keepingSuspect(free), app.placement());
    boolean sameComponents = app.placement().components().keySet().equals(spec.components().stream().map(c -> c.name()).collect(Collectors.toSet()));
    if (!current.feasible() || current.clusterGone() || !sameComponents) return fresh(app, spec, clusterSetRevision, free, Trigger.SPEC_CHANGED, "spec changed");
    betterSince.remove(app.name());
    String why = "the running placement still satisfies it";
    if (place(app, spec, free) instanceof PlacementOutcome.Placed best && !best.placement().equals(app.placement())) {
      double gain = current.objective() > 0 ? 1 - best.objective().value() / current.objective() : 0;
      String objectives = String.format("objective %.3f -> %.3f (%.1f%% better)", current.objective(), best.objective().value(), gain * 100);
      if (gain > SPEC_CHANGE_MARGIN && !app.migrating()) {
        return new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, best.placement(), best.explanation().render(), Diagnoses.NONE,
            Trigger.SPEC_CHANGED, "spec changed: " + objectives);
      }
      why += app.migrating() ? " (a migration is in flight)" : ", the best one is not clearly better: " + objectives;
    }
    return new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, app.placement(), app.explanation(), Diagnoses.NONE, Trigger.SPEC_CHANGED, "spec changed: " + why);
  }

  /**
   * A placement whose copies fit beside what still runs of the application: make-before-break keeps both until
   * the new one is Ready, so the new replicas need room next to the old ones (on a cluster both use, the larger
   * count). The engine's best is taken when it does; otherwise the best placement beside the old copies
   * entirely, or none (the running version keeps running). Without this a full cluster would hold the new
   * replicas Pending, and the migration would never complete.
   */
  private PlacementOutcome place(ApplicationRecord app, QosSpec spec, ClusterSnapshot free) {
    PlacementOutcome best = engine.place(spec, free);
    Placement running = app.serving();
    if (running == null || !(best instanceof PlacementOutcome.Placed p) || fitsBeside(p.placement(), running, spec, free)) return best;
    return engine.place(spec, free.reserve(running.demand(spec)));
  }

  private static boolean fitsBeside(Placement candidate, Placement running, QosSpec spec, ClusterSnapshot free) {
    for (var need : running.union(candidate).demand(spec).entrySet()) {
      var cluster = free.cluster(need.getKey());
      if (cluster.isPresent() && !need.getValue().fitsIn(cluster.get().free())) return false;
    }
    return true;
  }

  /** Unschedulable again for the same reason against the same revisions: nothing new to commit. */
  private static boolean repeatsDiagnosis(ApplicationRecord app, CommitPlacement decision, long clusterSetRevision) {
    return decision.placement() == null && decision.diagnosis().equals(app.diagnosis()) && app.placedSpecRevision() == app.specRevision()
        && app.placedClusterSetRevision() == clusterSetRevision;
  }

  private CommitPlacement fresh(ApplicationRecord app, QosSpec spec, long clusterSetRevision, ClusterSnapshot free, Trigger trigger, String reason) {
    return switch (place(app, spec, free)) {
      case PlacementOutcome.Placed p ->
          new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, p.placement(), p.explanation().render(), Diagnoses.NONE, trigger, reason);
      case PlacementOutcome.Unschedulable u -> unschedulable(app, clusterSetRevision, trigger, reason, ProtoMapper.toProto(u.diagnosis()));
    };
  }

  private static CommitPlacement unschedulable(ApplicationRecord app, long clusterSetRevision, Trigger trigger, String reason, io.qonnect.proto.v1.Diagnosis diagnosis) {
    return new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, null, "", diagnosis, trigger, reason);
  }

  /** The same placement, re-checked against the current member cluster set: no epoch change, nothing moves. */
  private static CommitPlacement keep(ApplicationRecord app, long clusterSetRevision) {
    return new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, app.placement(), app.explanation(), Diagnoses.NONE, Trigger.KEPT, "kept");
  }

  /** What runs may stay on a Suspect cluster: only new replicas avoid it. */
  private static ClusterSnapshot keepingSuspect(ClusterSnapshot free) {
    return free.replace(free.clusters().stream().filter(c -> !c.schedulable()).map((MemberCluster c) -> c.withSchedulable(true)).toList());
  }

  /**
   * What each member cluster of {@code placement} offers qonnect's workloads in the (unreserved) snapshot: the room
   * a decision states, so that apply can refuse it when decisions committed meanwhile took that room.
   */
  private static SortedMap<ClusterId, Resources> roomOn(Placement placement, ClusterSnapshot snapshot) {
    SortedMap<ClusterId, Resources> room = new TreeMap<>();
    placement.components().values().forEach(clusters -> clusters.keySet().forEach(id ->
        snapshot.cluster(id).ifPresent(c -> room.put(id, c.free()))));
    return room;
  }

  private Map<ClusterId, Resources> servingDemand(ApplicationRecord app) {
    DemandOf memo = servingDemand.get(app.name());
    if (memo == null || memo.record() != app) {
      memo = new DemandOf(app, java.util.Collections.unmodifiableMap(demandOf(app.serving(), specs.apply(app))));
      servingDemand.put(app.name(), memo);
    }
    return memo.demand();
  }

  private static Map<ClusterId, Resources> demandOf(Placement placement, Parsed<QosSpec> spec) {
    return placement != null && spec instanceof Parsed.Valid<QosSpec> v ? placement.demand(v.value()) : Map.of();
  }
}
