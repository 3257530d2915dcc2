package io.qonnect.lead.placing;

import io.qonnect.placement.snapshot.ClusterId;

import io.qonnect.lead.state.ClusterHealth;

import io.qonnect.lead.state.StateReader;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import io.qonnect.ops.Logs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader only: keeps every application's committed placement current. Reads the replicated state and
 * the knowledge base, decides with {@link PlacementRound}, and proposes {@code CommitPlacement}; never writes
 * state directly. A proposal computed against revisions that changed meanwhile is rejected by apply and
 * simply decided again in the next round. Committed decisions go to {@code history} (the knowledge base's
 * placement history). Also ends migrations: once an application's new placement runs Ready, it commits
 * {@code CompleteMigration}, and agents remove the previous placement's copies (make-before-break).
 *
 * <p>Readiness reports arrive from each member cluster at its own time, so "every cluster reported Ready" may
 * combine a report from a cluster that died since with fresh ones from the others. A migration therefore
 * completes only once every member cluster of the new placement is Healthy and its agent has been heard from
 * (a heartbeat at this lead agent) after the moment the reports first added up to Ready: proof that it was
 * alive when the placement ran Ready, not only before.
 */
public final class PlacementController {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementController.class);

  private final StateReader stateMachine;
  /** The term this lead agent leads with its state caught up (Ratis's leader-ready), 0 when it does not. */
  private final LongSupplier readyTerm;
  private final ObservationSource observations;
  /** The latency matrix of the last snapshot read, kept while the observations are the same (rounds run on one thread). */
  private final SnapshotBuilder.Memo snapshots = new SnapshotBuilder.Memo();
  private final Proposer proposer;
  private final PlacementRound round;
  private final Consumer<CommitPlacement> history;
  /** Wall time, compared only with times stamped in the state (when a migration started). */
  private final Clock wall;
  /** Monotonic time for the hold times: a wall-clock step must not start or end a migration. */
  private final LongSupplier monotonicMillis;
  /** When this lead agent last heard a member cluster's agent (a heartbeat), on {@link #monotonicMillis}; MIN_VALUE: never. */
  private final ToLongFunction<String> lastHeardMillis;
  /** Per application and epoch ("shop/3"), when the readiness reports first added up to Ready (monotonic). */
  private final Map<String, Long> readySince = new HashMap<>();
  private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
  private final Map<String, CachedSpec> specCache = new HashMap<>();
  /** The epoch whose stalled migration was last reported, per application: reported once per migration. */
  private final Map<String, Long> stallsReported = new HashMap<>();
  private final PlacementRound.Policy policy;
  private static final long RECONSIDER_MS = 1000;
  /**
   * A round places with the knowledge base's snapshot if it is at most this old, else fetches one: agents report every
   * few seconds, and at 1,000 member clusters a snapshot is megabytes (4.6 MB with the probe plan), which fetching for
   * every 200 ms round made the knowledge base's and the leader's busiest work.
   */
  static final long OBSERVATIONS_MAX_AGE_MILLIS = 1_000;
  /**
   * ... or older in proportion to its size: at most this many bytes of snapshot are read a second (a 4.6 MB snapshot every
   * 4.6 s). A snapshot lives until the next is read, long enough to be copied by young collections and promoted: at 1,000
   * member clusters, read every second, collecting them was 0.23–0.27 of the leader's 0.56–0.61 cores (the serial
   * collector's pauses); read this way, 0.07 of 0.43 (docs/benchmarks.md, run J).
   */
  static final long SNAPSHOT_BYTES_PER_SECOND = 1_000_000;

  /** How old the snapshot a round places with may be, by the size of the one it has. */
  static long observationsMaxAge(ObservationSnapshot cached) {
    return Math.max(OBSERVATIONS_MAX_AGE_MILLIS, cached.getSerializedSize() * 1000L / SNAPSHOT_BYTES_PER_SECOND);
  }

  private ClusterSnapshot lastSnapshot;
  private long lastReconsidered;

  private record CachedSpec(long revision, Parsed<QosSpec> spec) {}

  public PlacementController(StateReader stateMachine, LongSupplier readyTerm, ObservationSource observations,
      Proposer proposer, PlacementEngine engine, PlacementRound.Policy policy, Consumer<CommitPlacement> history, Clock wall, LongSupplier monotonicMillis,
      ToLongFunction<String> lastHeardMillis) {
    this.lastHeardMillis = lastHeardMillis;
    this.history = history;
    this.wall = wall;
    this.monotonicMillis = monotonicMillis;
    this.stateMachine = stateMachine;
    this.readyTerm = readyTerm;
    this.observations = observations;
    this.proposer = proposer;
    this.policy = policy;
    this.round = new PlacementRound(engine, app -> specCache.compute(app.name(), (k, cached) ->
        cached != null && cached.revision() == app.specRevision() ? cached : new CachedSpec(app.specRevision(), spec(app))).spec(), policy);
  }

  /** The stored canonical form as the engine's model (no parsing: the API parsed it once, at submission). */
  private static Parsed<QosSpec> spec(ApplicationRecord app) {
    if (SpecCodec.usable(app.spec())) return new Parsed.Valid<>(SpecCodec.fromProto(app.spec()));
    return new Parsed.Invalid<>(List.of(new io.qonnect.placement.spec.Violation("", "the stored spec (from an older version) does not validate here", 0, 0)));
  }

  /**
   * One pass; call it periodically from one thread. Never blocks on the log: the decisions are proposed
   * pipelined and their outcomes handled as they commit, and no new round decides while the previous round's
   * decisions are still in flight (a round decided against a state they would change is wasted work).
   * Returns how many decisions it proposed.
   */
  public int reconcileOnce() {
    long term = readyTerm.getAsLong();
    if (term == 0) {
      lastSnapshot = null;
      round.reset();
      readySince.clear();
      return 0;
    }
    if (!inFlight.isDone()) return 0;
    record Work(List<ApplicationRecord> applications, List<ClusterRecord> clusters, long clusterSetRevision) {}
    Work work = stateMachine.read(s -> new Work(s.applications(), s.clusters(), s.clusterSetRevision()));
    specCache.keySet().retainAll(work.applications().stream().map(ApplicationRecord::name).collect(Collectors.toSet()));
    ObservationSnapshot latest = observations.recent(observationsMaxAge(observations.cached()));
    ClusterSnapshot snapshot = snapshots.build(latest, work.clusters());
    long now = monotonicMillis.getAsLong();
    // observations wobble with every agent report; reconsidering on each would run the engine for every
    // application several times a second, so changes are looked at once per RECONSIDER_MS
    boolean changed = snapshot != lastSnapshot && !snapshot.equals(lastSnapshot) && (lastSnapshot == null || now - lastReconsidered >= RECONSIDER_MS);
    if (changed) {
      lastSnapshot = snapshot;
      lastReconsidered = now;
    }
    List<CommitPlacement> decisions = round.decide(work.applications(), work.clusterSetRevision(), snapshot, changed, now);
    inFlight = CompletableFuture.allOf(decisions.stream().map(d -> proposer.propose(d, term).whenComplete((result, failure) -> {
      try (var mdc = Logs.context(Logs.APPLICATION, d.application(), Logs.TERM, Long.toString(term))) {
        if (failure != null) LOG.info("placement of {} not committed: {}", d.application(), failure.toString());
        else if (result instanceof CommandResult.Rejected r) LOG.info("placement of {} not committed: {}", d.application(), r.reason());
        else if (d.trigger() != Command.Trigger.KEPT) {
          LOG.info("{}: decision committed: {}", d.application(), d.reason());
          history.accept(d);
        }
      }
    })).toArray(CompletableFuture[]::new));
    // indexed only when a migration is in flight: at steady state none is, and it is every application's every report
    Readiness readiness = work.applications().stream().anyMatch(ApplicationRecord::migrating) ? Readiness.of(latest) : null;
    long wallNow = wall.millis();
    stallsReported.keySet().retainAll(work.applications().stream().map(ApplicationRecord::name).collect(Collectors.toSet()));
    Map<String, ClusterHealth> health = work.clusters().stream().collect(Collectors.toMap(c -> c.id().value(), ClusterRecord::health));
    Map<String, Long> stillReady = new HashMap<>();
    for (ApplicationRecord app : work.applications()) {
      if (!app.migrating()) continue; // neither complete nor stalled
      boolean ready = readiness.complete(app);
      if (ready) stillReady.put(app.name() + "/" + app.placementEpoch(), readySince.getOrDefault(app.name() + "/" + app.placementEpoch(), now));
      if (ready && heardFromEveryClusterSince(app, health, stillReady.get(app.name() + "/" + app.placementEpoch()))) {
        proposer.propose(new Command.CompleteMigration(app.name(), app.placementEpoch()), term).whenComplete((r, e) -> {
          if (!(r instanceof CommandResult.Accepted)) return;
          try (var mdc = Logs.context(Logs.APPLICATION, app.name(), Logs.TERM, Long.toString(term))) {
            LOG.info("{}: migration to epoch {} complete", app.name(), app.placementEpoch());
          }
        });
      } else if (!Long.valueOf(app.placementEpoch()).equals(stallsReported.get(app.name()))) {
        readiness.stalled(app, wallNow, policy.readyBoundMillis()).ifPresent(why -> {
          stallsReported.put(app.name(), app.placementEpoch());
          try (var mdc = Logs.context(Logs.APPLICATION, app.name(), Logs.TERM, Long.toString(term))) {
            LOG.warn("{}: migration stalled: {}", app.name(), why);
          }
          proposer.propose(new Command.ReportMigrationStalled(app.name(), app.placementEpoch(), why), term);
        });
      }
    }
    readySince.clear();
    readySince.putAll(stillReady);
    return decisions.size();
  }

  /** Every member cluster of the new placement is Healthy and its agent spoke after {@code since}. */
  private boolean heardFromEveryClusterSince(ApplicationRecord app, Map<String, ClusterHealth> health, long since) {
    for (var placed : app.placement().components().values()) {
      for (ClusterId c : placed.keySet()) {
        if (health.get(c.value()) != ClusterHealth.HEALTHY || lastHeardMillis.applyAsLong(c.value()) <= since) return false;
      }
    }
    return true;
  }
}
