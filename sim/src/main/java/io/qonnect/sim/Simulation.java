package io.qonnect.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.agent.reconcile.HeldLeases;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.agent.reconcile.Namespaces;
import io.qonnect.agent.reconcile.Plan;
import io.qonnect.agent.reconcile.Reconciliation;
import io.qonnect.agent.reconcile.ObservedObject;
import io.qonnect.agent.report.RunningComponents;
import io.qonnect.agent.report.ReadinessReports;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.qonnect.lead.api.AgentFeed;
import io.qonnect.agent.upstream.DesiredAssembly;
import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.api.DesiredStates;
import io.qonnect.lead.health.AgentLiveness;
import io.qonnect.lead.health.HealthController;
import io.qonnect.lead.health.HealthRules;
import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.lead.placing.PlacementController;
import io.qonnect.lead.placing.PlacementRound;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.raft.CommandCodec;
import io.qonnect.lead.raft.SnapshotCodec;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.Placement;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.Resources;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.Tier;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One deterministic run of a federation: three lead agents, an agent per member cluster, the member clusters'
 * API servers and pods, all on one virtual clock and one seeded random source, so a seed replays exactly.
 *
 * <p>What is real and what is a model. Real: the replicated state ({@link ControlPlaneState}, every command
 * through {@link CommandCodec}, restarts through {@link SnapshotCodec}), the placement and health controllers
 * with their pure cores ({@link PlacementRound}, {@link HealthRules}), the leader's lease book and agent feed
 * ({@link LeaseBook}, {@link AgentFeed}, {@link DesiredStates}), the agent's reconcile step, renderer,
 * planner, lease clock and readiness rule. Modelled: Raft (a committed log with terms, elections, replicas that
 * apply with lag, deposed leaders that do not know yet), gRPC (delays, drops, partitions), the knowledge base,
 * and member clusters ({@link SimCluster}).
 *
 * <p>Invariants are checked as the history happens, on every write an agent makes and every entry the log
 * commits, never sampled: see {@link Invariant}.
 */
public final class Simulation {
  /** What can go wrong in a run. */
  public enum Fault {
    LEADER_CRASH, LEADER_PAUSE, LEAD_PARTITION, SLOW_APPLY, NEW_LEADER_BEHIND, DELAYED_PROPOSAL, CLOCK_STEP,
    AGENT_CRASH, AGENT_PARTITION, HEARTBEATS_LOST, API_DOWN, CLUSTER_DOWN, SPEC_EDIT, DELETE_RECREATE,
    /** For a while the client's writes commit but their answers are lost (a deadline, a cut connection): it retries them. */
    REPLIES_LOST
  }

  /** The promises checked (design.md §5). */
  public enum Invariant {
    /** An acknowledged application is missing from the committed state, or a replica's state differs from the log's. */
    ACKNOWLEDGED_LOST,
    /** An agent wrote or deleted an object acting on a desired state older than the one the object was last written from. */
    STALE_WRITE,
    /** Ready replicas removed while the placement that should replace them was not Ready. */
    MAKE_BEFORE_BREAK,
    /** Pods of one singleton (terminating ones included) in two member clusters at once. */
    SINGLETON_TWICE,
    /** A decision computed by a leader of an older term was accepted by the log. */
    STALE_DECISION,
    /** The committed placements ask more of a member cluster than it has. */
    CAPACITY,
    /** A client's write changed the state again after an earlier entry of the same request was applied (a retry applied twice). */
    WRITE_TWICE
  }

  public record Options(int clusters, long horizonMillis, Set<Fault> faults) {
    public static Options defaults() {
      return new Options(4, 90_000, EnumSet.allOf(Fault.class));
    }
  }

  public record Violation(long atMillis, Invariant invariant, String detail) {
    @Override
    public String toString() {
      return String.format("t=%.3fs %s: %s", atMillis / 1000.0, invariant, detail);
    }
  }

  public record Result(long seed, List<Violation> violations, List<String> timeline, long events) {
    public boolean passed() {
      return violations.isEmpty();
    }
  }

  private static final long EPOCH_MILLIS = 1_800_000_000_000L;
  private static final long LEASE_MILLIS = 3000;
  private static final int LEADS = 3;
  private static final long MEMORY_GIB = 1L << 30;

  private final long seed;
  private final Options options;
  private final SplittableRandom random;
  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private long now;
  private long sequence;
  private long events;
  private final List<Violation> violations = new ArrayList<>();
  private final Set<String> reportedOnce = new HashSet<>();
  private final Deque<String> timeline = new ArrayDeque<>();

  // ---- the log and the lead agents ----
  private record Entry(long term, byte[] bytes, long proposerTerm) {}

  private final List<Entry> log = new ArrayList<>();
  private final ControlPlaneState truth = new ControlPlaneState();
  private long realTerm;
  private int realLeader = -1;
  private boolean electionPending;
  private final Lead[] leads = new Lead[LEADS];

  // ---- the member clusters, their agents and the knowledge base ----
  private final List<SimCluster> clusters = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();
  private final Map<String, ClusterReport> kbClusters = new TreeMap<>();
  private final Map<String, ReadinessReport> kbReadiness = new TreeMap<>();
  private final Map<String, LatencyReport> kbLatency = new TreeMap<>();
  /** Per cluster and object: the desired-state revision it was last written from. */
  private final Map<String, Long> writtenFrom = new HashMap<>();
  /** Acknowledged submissions not deleted since: name → the index of the entry that acknowledged it. */
  private final Map<String, Integer> acknowledged = new TreeMap<>();
  /** The client's requests of which an entry was applied: request id → the index of that entry (where it took effect). */
  private final Map<String, Integer> requestsApplied = new HashMap<>();
  /** The index of the latest delete that removed each application. */
  private final Map<String, Integer> deletedAt = new HashMap<>();
  private int clientRequests;
  /** Until when the client's answers are lost (REPLIES_LOST). */
  private long repliesLostUntil;
  private final Map<String, String> specs = new TreeMap<>();

  private record Event(long at, long sequence, int lead, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(sequence, o.sequence);
    }
  }

  public Simulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.random = new SplittableRandom(seed);
  }

  public static Result run(long seed, Options options) {
    return new Simulation(seed, options).run();
  }

  // ==================================================================================== scheduling

  private void at(long delay, Runnable action) {
    queue.add(new Event(now + Math.max(0, delay), sequence++, -1, action));
  }

  /** An event of one lead agent's process: deferred while it is paused, dropped while it is down. */
  private void atLead(Lead lead, long delay, Runnable action) {
    long incarnation = lead.incarnation;
    queue.add(new Event(now + Math.max(0, delay), sequence++, lead.id, () -> {
      if (lead.up && lead.incarnation == incarnation) action.run();
    }));
  }

  private void every(long period, Runnable action) {
    at(period, () -> {
      action.run();
      every(period, action);
    });
  }

  private void note(String what) {
    if (timeline.size() == 400) timeline.removeFirst();
    timeline.addLast(String.format("t=%.3fs %s", now / 1000.0, what));
  }

  private void violation(Invariant invariant, String onceKey, String detail) {
    if (!reportedOnce.add(invariant + "/" + onceKey)) return;
    Violation v = new Violation(now, invariant, detail);
    violations.add(v);
    note("VIOLATION " + v);
  }

  private long between(long low, long high) {
    return low + random.nextLong(high - low + 1);
  }

  public Result run() {
    setUp();
    while (!queue.isEmpty() && violations.isEmpty()) {
      Event e = queue.poll();
      if (e.at() > options.horizonMillis()) break;
      if (e.lead() >= 0 && leads[e.lead()].pausedUntil > e.at()) {
        queue.add(new Event(leads[e.lead()].pausedUntil, sequence++, e.lead(), e.action()));
        continue;
      }
      now = e.at();
      events++;
      e.action().run();
    }
    if (violations.isEmpty()) checkReplicas();
    return new Result(seed, List.copyOf(violations), List.copyOf(timeline), events);
  }

  private void setUp() {
    for (int i = 0; i < LEADS; i++) leads[i] = new Lead(i);
    for (int i = 0; i < options.clusters(); i++) {
      SimCluster c = new SimCluster("c" + i, i, between(12, 40) * 100, between(6, 16) * MEMORY_GIB, random.split(), 4000);
      clusters.add(c);
      agents.add(new Agent(c));
      every(200, () -> {
        c.tick(now);
        checkSingletons();
        noteReady();
      });
    }
    at(between(200, 800), this::elect);
    // every lead agent runs this build: the gate is raised at once (FeatureGateController's job in a lead agent)
    at(100, () -> clientPropose(new Command.SetFeatureLevel(FeatureLevels.SUPPORTED), "lead-agents", false));
    for (Agent a : agents) {
      at(between(300, 1500), a::connect);
      every(500, a::heartbeat);
      every(1000, a::reconcile);
      every(1000, a::report);
    }
    submit("shop", shop(2, 1, 0.5, 0.3));
    submit("ledger", ledger(2, 0.3, 0.4));
    int faults = 2 + random.nextInt(5);
    List<Fault> kinds = new ArrayList<>(options.faults());
    for (int i = 0; i < faults && !kinds.isEmpty(); i++) {
      Fault f = kinds.get(random.nextInt(kinds.size()));
      at(between(8_000, Math.max(8_000, options.horizonMillis() - 35_000)), () -> inject(f));
    }
  }

  // ==================================================================================== the client

  private static String shop(int frontends, int apis, double cost, double energy) {
    return """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: { name: shop }
        spec:
          qos: { energy: %s, cost: %s, performance: 0.2 }
          components:
            - name: frontend
              replicas: %d
              resources: { cpu: 500m, memory: 512Mi }
              talksTo: [api]
              image: docker.io/library/nginx:1.27
            - name: api
              replicas: %d
              resources: { cpu: 500m, memory: 256Mi }
              image: docker.io/library/nginx:1.27
        """.formatted(energy, cost, frontends, apis);
  }

  private static String ledger(int apis, double cost, double energy) {
    return """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: { name: ledger }
        spec:
          qos: { energy: %s, cost: %s, performance: 0.3 }
          components:
            - name: api
              replicas: %d
              resources: { cpu: 250m, memory: 128Mi }
              talksTo: [writer]
              image: docker.io/library/nginx:1.27
            - name: writer
              singleton: true
              replicas: 1
              resources: { cpu: 250m, memory: 256Mi }
              image: docker.io/library/postgres:17
        """.formatted(energy, cost, apis);
  }

  private void submit(String name, String yaml) {
    Parsed<QosSpec> parsed = new QosSpecParser().parse(yaml);
    if (!(parsed instanceof Parsed.Valid<QosSpec> valid)) throw new IllegalStateException("simulation spec invalid: " + parsed);
    specs.put(name, yaml);
    at(between(500, 2000), () -> clientPropose(new Command.SubmitApplication(name, yaml, SpecCodec.toProto(valid.value()), 0), name, true));
  }

  /** The client retries until the log acknowledges, as the CLI does through the leader hint: every attempt of one request id. */
  private void clientPropose(Command command, String name, boolean submit) {
    clientPropose(command, name, submit, "client-" + ++clientRequests);
  }

  private void clientPropose(Command command, String name, boolean submit, String requestId) {
    propose(null, command, 0, requestId, result -> {
      if (result != null && now < repliesLostUntil) {
        note("client: the answer to " + describe(command) + " (" + requestId + ") is lost");
        result = null;
      }
      if (result == null) {
        at(500, () -> clientPropose(command, name, submit, requestId));
        return;
      }
      if (result instanceof CommandResult.Accepted) {
        // a submission took effect where its request was first applied (a retry's answer says what that did); a delete
        // committed since (a concurrent request's) removes it, as it may. A delete's acknowledgement is recorded as it commits.
        int appliedAt = requestsApplied.getOrDefault(requestId, log.size());
        if (submit && deletedAt.getOrDefault(name, 0) < appliedAt) acknowledged.put(name, appliedAt);
        note("client: " + describe(command) + " acknowledged at index " + log.size());
      }
    });
  }

  // ==================================================================================== faults

  private void inject(Fault fault) {
    note("fault " + fault);
    switch (fault) {
      case LEADER_CRASH -> {
        Lead l = realLeader >= 0 ? leads[realLeader] : leads[random.nextInt(LEADS)];
        crash(l);
        at(between(2_000, 8_000), () -> restart(l));
      }
      case LEADER_PAUSE -> {
        Lead l = realLeader >= 0 ? leads[realLeader] : leads[random.nextInt(LEADS)];
        l.pausedUntil = now + between(1_500, 6_000);
        note("lead " + l.id + " paused until " + l.pausedUntil);
        leaderUnreachable(l);
        at(l.pausedUntil - now, () -> resumed(l));
      }
      case LEAD_PARTITION -> {
        Lead l = realLeader >= 0 ? leads[realLeader] : leads[random.nextInt(LEADS)];
        l.isolated = true;
        leaderUnreachable(l);
        at(between(3_000, 10_000), () -> {
          l.isolated = false;
          note("lead " + l.id + " rejoins its peers");
          resumed(l);
        });
      }
      case SLOW_APPLY -> {
        Lead l = leads[random.nextInt(LEADS)];
        l.applyLag = between(500, 4_000);
        at(between(5_000, 15_000), () -> l.applyLag = 20);
      }
      case NEW_LEADER_BEHIND -> {
        // the followers apply late, the spec changes, the leader crashes: the next leader has not applied the tail
        for (Lead l : leads) if (l.id != realLeader) l.applyLag = between(2_000, 4_000);
        inject(Fault.SPEC_EDIT);
        at(between(300, 800), () -> inject(Fault.LEADER_CRASH));
        at(between(6_000, 9_000), () -> {
          for (Lead l : leads) l.applyLag = 20;
        });
      }
      case DELAYED_PROPOSAL -> {
        Lead l = leads[random.nextInt(LEADS)];
        l.proposalDelay = between(500, 5_000);
        at(between(3_000, 10_000), () -> l.proposalDelay = 15);
      }
      case CLOCK_STEP -> {
        Lead l = leads[random.nextInt(LEADS)];
        l.wallOffset += random.nextBoolean() ? between(5_000, 60_000) : -between(5_000, 60_000);
      }
      case AGENT_CRASH -> {
        Agent a = agents.get(random.nextInt(agents.size()));
        a.crash();
        at(between(1_000, 8_000), a::restart);
      }
      case AGENT_PARTITION -> {
        Agent a = agents.get(random.nextInt(agents.size()));
        a.partitioned = true;
        at(between(3_000, 12_000), () -> a.partitioned = false);
      }
      case HEARTBEATS_LOST -> { // asymmetric: the leader still reaches the agent, the agent's heartbeats are lost
        Agent a = agents.get(random.nextInt(agents.size()));
        a.heartbeatsLost = true;
        at(between(3_000, 12_000), () -> a.heartbeatsLost = false);
      }
      case API_DOWN -> {
        SimCluster c = clusters.get(random.nextInt(clusters.size()));
        c.apiUp = false;
        at(between(3_000, 15_000), () -> c.apiUp = true);
      }
      case CLUSTER_DOWN -> {
        SimCluster c = clusters.get(random.nextInt(clusters.size()));
        c.nodesUp = false;
        at(between(5_000, 20_000), () -> c.nodesUp = true);
      }
      case SPEC_EDIT -> {
        if (random.nextBoolean()) submitEdit("shop", shop(1 + random.nextInt(3), 1 + random.nextInt(2), random.nextDouble(), random.nextDouble()));
        else submitEdit("ledger", ledger(1 + random.nextInt(3), random.nextDouble(), random.nextDouble()));
      }
      case REPLIES_LOST -> {
        repliesLostUntil = now + between(3_000, 10_000);
        inject(random.nextBoolean() ? Fault.SPEC_EDIT : Fault.DELETE_RECREATE);
      }
      case DELETE_RECREATE -> {
        String name = random.nextBoolean() ? "shop" : "ledger";
        clientPropose(new Command.DeleteApplication(name), name, false);
        at(between(300, 4_000), () -> submitEdit(name, specs.get(name)));
      }
    }
  }

  private void submitEdit(String name, String yaml) {
    Parsed<QosSpec> parsed = new QosSpecParser().parse(yaml);
    if (!(parsed instanceof Parsed.Valid<QosSpec> valid)) return;
    specs.put(name, yaml);
    clientPropose(new Command.SubmitApplication(name, yaml, SpecCodec.toProto(valid.value()), 0), name, true);
  }

  private void crash(Lead l) {
    note("lead " + l.id + " crashes");
    l.snapshot = SnapshotCodec.encode(l.state);
    l.snapshotIndex = l.applied;
    l.up = false;
    l.incarnation++;
    l.believesLeader = false;
    l.feeds.clear();
    for (Agent a : agents) if (a.connectedTo == l.id) a.disconnected();
    leaderUnreachable(l);
  }

  private void restart(Lead l) {
    l.up = true;
    l.incarnation++;
    l.state = new ControlPlaneState();
    SnapshotCodec.decodeInto(l.snapshot, l.state);
    l.applied = l.snapshotIndex;
    l.controllers();
    note("lead " + l.id + " restarts from its snapshot at index " + l.snapshotIndex);
    atLead(l, l.applyLag, () -> catchUp(l));
    if (realLeader < 0) at(between(300, 1500), this::elect);
  }

  /** The real leader stopped answering its peers: they elect another after an election timeout. */
  private void leaderUnreachable(Lead l) {
    if (l.id != realLeader) return;
    realLeader = -1;
    at(between(1_000, 2_500), this::elect);
  }

  /** A paused or isolated lead agent is back: it learns the newer term at once and steps down. */
  private void resumed(Lead l) {
    if (l.believesLeader && l.believedTerm < realTerm) {
      atLead(l, between(10, 100), () -> stepDown(l));
    }
    if (realLeader < 0) at(between(300, 1500), this::elect);
  }

  private void stepDown(Lead l) {
    if (!l.believesLeader || l.id == realLeader) return;
    note("lead " + l.id + " steps down (term " + l.believedTerm + " < " + realTerm + ")");
    l.believesLeader = false;
  }

  private boolean reachableByPeers(Lead l) {
    return l.up && !l.isolated && l.pausedUntil <= now;
  }

  private void elect() {
    if (realLeader >= 0) return;
    List<Lead> candidates = new ArrayList<>();
    for (Lead l : leads) if (reachableByPeers(l)) candidates.add(l);
    if (candidates.size() < 2) {
      at(1_000, this::elect);
      return;
    }
    Lead winner = candidates.get(random.nextInt(candidates.size()));
    realTerm++;
    realLeader = winner.id;
    winner.believesLeader = true;
    winner.believedTerm = realTerm;
    winner.readyIndex = log.size();
    for (Lead l : leads) {
      if (l != winner && reachableByPeers(l)) {
        l.believesLeader = false;
        l.believedTerm = realTerm;
      } else if (l != winner && l.believesLeader && l.isolated) {
        // an isolated leader notices it lost its quorum only after its own election timeout
        atLead(l, between(500, 2_500), () -> stepDown(l));
      }
    }
    note("lead " + winner.id + " elected, term " + realTerm + " (committed index " + log.size() + ", applied " + winner.applied + ")");
  }

  // ==================================================================================== the log

  /**
   * Puts a command through the log: delivered to the real leader after the proposer's delay, committed there
   * in the leader's term. {@code done} gets the result, or null when it was not committed.
   */
  private void propose(Lead from, Command command, java.util.function.Consumer<CommandResult> done) {
    propose(from, command, 0, done);
  }

  private void propose(Lead from, Command command, long decidedInTerm, java.util.function.Consumer<CommandResult> done) {
    propose(from, command, decidedInTerm, "", done);
  }

  private void propose(Lead from, Command command, long decidedInTerm, String requestId, java.util.function.Consumer<CommandResult> done) {
    long proposerTerm = from == null ? 0 : from.believedTerm;
    long delay = from == null ? between(2, 15) : from.proposalDelay == 15 ? between(2, 15) : from.proposalDelay;
    if (from != null) { // one lead agent's proposals arrive in order, as Ratis's async client sends them
      delay = Math.max(delay, from.lastDelivery + 1 - now);
      from.lastDelivery = now + delay;
    }
    at(delay, () -> {
      Lead leader = realLeader >= 0 ? leads[realLeader] : null;
      boolean reaches = leader != null && reachableByPeers(leader) && (from == null || from == leader || reachableByPeers(from) || !from.up);
      if (!reaches) {
        at(between(100, 1000), () -> done.accept(null));
        return;
      }
      long wall = leader.wall();
      long term = realTerm;
      at(between(2, 10), () -> {
        if (realLeader != leader.id || realTerm != term) {
          done.accept(null);
          return;
        }
        done.accept(commit(new Entry(term, CommandCodec.encode(wall, decidedInTerm, 0, requestId, command), proposerTerm), command));
      });
    });
  }

  private CommandResult commit(Entry entry, Command command) {
    log.add(entry);
    int index = log.size();
    CommandCodec.Stamped stamped = CommandCodec.decode(entry.bytes());
    long before = truth.revision();
    CommandResult result = truth.apply(index, entry.term(), stamped.timeMillis(), stamped.decidedInTerm(), 0, stamped.requestId(), stamped.command());
    if (!stamped.requestId().isEmpty() && result instanceof CommandResult.Accepted) {
      Integer first = requestsApplied.putIfAbsent(stamped.requestId(), index);
      if (first != null && truth.revision() != before) {
        violation(Invariant.WRITE_TWICE, "index " + index, describe(command) + " (" + stamped.requestId() + ") changed the state again; an entry of the same request was applied at index " + first);
      }
    }
    if (result instanceof CommandResult.Accepted a && a.changed() && entry.proposerTerm() > 0 && entry.proposerTerm() < entry.term()
        && (command instanceof Command.CommitPlacement || command instanceof Command.SetClusterHealth || command instanceof Command.SetClusterHealths
            || command instanceof Command.CompleteMigration)) {
      violation(Invariant.STALE_DECISION, "index " + index, command.getClass().getSimpleName() + " computed by a leader of term " + entry.proposerTerm()
          + " accepted in term " + entry.term() + ": " + describe(command));
    }
    if (result instanceof CommandResult.Accepted a && a.changed() && !(command instanceof Command.SetFeatureLevel)) {
      note("commit #" + index + " term " + entry.term() + ": " + describe(command));
    }
    if (command instanceof Command.DeleteApplication d && truth.revision() != before) {
      acknowledged.remove(d.application());
      deletedAt.put(d.application(), index);
    }
    checkCommitted();
    for (Lead l : leads) if (l.up) atLead(l, between(1, l.applyLag), () -> catchUp(l));
    return CommandCodec.decodeResult(CommandCodec.encode(result));
  }

  private static String describe(Command c) {
    return switch (c) {
      case Command.CommitPlacement p -> "placement of " + p.application() + " (" + p.trigger() + ") " + (p.placement() == null ? "none" : p.placement().oneLine());
      case Command.SetClusterHealth h -> "health of " + h.cluster().value() + " = " + h.health();
      case Command.SetClusterHealths h -> "health " + String.join(", ", h.verdicts().stream().map(v -> v.cluster().value() + " = " + v.health()).toList());
      case Command.CompleteMigration m -> "migration of " + m.application() + " to epoch " + m.placementEpoch() + " complete";
      case Command.SubmitApplication s -> "submit " + s.application();
      case Command.DeleteApplication d -> "delete " + d.application();
      case Command.RegisterCluster r -> "register " + r.cluster().value();
      default -> c.getClass().getSimpleName();
    };
  }

  private void catchUp(Lead l) {
    while (l.applied < log.size()) {
      Entry entry = log.get(l.applied);
      CommandCodec.Stamped stamped = CommandCodec.decode(entry.bytes());
      l.applied++;
      l.state.apply(l.applied, entry.term(), stamped.timeMillis(), stamped.decidedInTerm(), 0, stamped.requestId(), stamped.command());
    }
  }

  // ==================================================================================== invariants

  private void checkCommitted() {
    for (var e : acknowledged.entrySet()) {
      if (truth.application(e.getKey()).isEmpty()) {
        violation(Invariant.ACKNOWLEDGED_LOST, e.getKey(), "application " + e.getKey() + " acknowledged at index " + e.getValue() + " is gone");
      }
    }
    Map<String, Resources> demand = new TreeMap<>();
    for (ApplicationRecord app : truth.applications()) {
      if (app.placement() == null || !SpecCodec.usable(app.spec())) continue;
      // what runs: the placement, and while it migrates the placements it replaces (make-before-break)
      Placement running = app.previousPlacement() == null ? app.placement() : app.previousPlacement().union(app.placement());
      running.demand(SpecCodec.fromProto(app.spec())).forEach((c, r) -> demand.merge(c.value(), r, Resources::plus));
    }
    for (SimCluster c : clusters) {
      Resources d = demand.getOrDefault(c.name, Resources.ZERO);
      if (d.cpuMillis() > c.cpuMillis || d.memoryBytes() > c.memoryBytes) {
        violation(Invariant.CAPACITY, c.name, "committed placements ask " + d + " of " + c.name + " which has " + c.cpuMillis + "m CPU");
      }
    }
  }

  private void checkSingletons() {
    Map<String, Set<String>> where = new TreeMap<>();
    for (SimCluster c : clusters) {
      for (SimCluster.Pod p : c.runningPods()) {
        if (p.singleton) where.computeIfAbsent(p.application + "/" + p.component, k -> new java.util.TreeSet<>()).add(c.name);
      }
    }
    where.forEach((singleton, in) -> {
      if (in.size() > 1) violation(Invariant.SINGLETON_TWICE, singleton, singleton + " runs in " + in + " (terminating pods included)");
    });
  }

  private void checkReplicas() {
    String expected = SnapshotCodec.hash(truth);
    for (Lead l : leads) {
      if (!l.up) continue;
      catchUp(l);
      if (!SnapshotCodec.hash(l.state).equals(expected)) {
        violation(Invariant.ACKNOWLEDGED_LOST, "replica " + l.id, "lead " + l.id + "'s state differs from the log's after applying all of it");
      }
    }
  }

  /**
   * The simulation's own record, kept apart from the code's bookkeeping: per application incarnation and
   * component, the last committed placement seen running Ready in full (every cluster at its placed count).
   */
  private final Map<String, Map<ClusterId, Integer>> lastReady = new HashMap<>();

  /** Whether every cluster of {@code placed} runs its placed count of the component Ready now. */
  private boolean runsReady(String application, long owner, String component, Map<ClusterId, Integer> placed) {
    for (var e : placed.entrySet()) {
      SimCluster c = clusters.stream().filter(x -> x.name.equals(e.getKey().value())).findFirst().orElse(null);
      if (c == null || c.readyReplicas(application, owner, component, now) < e.getValue()) return false;
    }
    return true;
  }

  /** After pods changed: notes every committed placement that now runs Ready in full. */
  private void noteReady() {
    for (ApplicationRecord app : truth.applications()) {
      if (app.placement() == null) continue;
      app.placement().components().forEach((component, placed) -> {
        if (runsReady(app.name(), app.incarnation(), component, placed)) lastReady.put(app.name() + "/" + app.incarnation() + "/" + component, placed);
      });
    }
  }

  /**
   * An agent is about to remove {@code lost} Ready pods of a Deployment. Make-before-break: copies of the last
   * placement that ran Ready in full may go only once the newest committed placement runs Ready in full too (the
   * simulation's own observation, not the code's). Copies outside it (left over from a placement replaced long ago)
   * may go; an outage of a cluster the newest placement uses explains a shortfall.
   */
  private void checkRemoval(SimCluster where, Deployment d, int lost) {
    if (lost <= 0) return;
    String application = d.getMetadata().getLabels().get(Labels.APPLICATION);
    String component = d.getMetadata().getLabels().get(Labels.COMPONENT);
    if (d.getMetadata().getAnnotations() != null && "true".equals(d.getMetadata().getAnnotations().get(Labels.SINGLETON))) return;
    long owner = ObservedObject.owner(d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations());
    ApplicationRecord app = truth.application(application).orElse(null);
    if (app == null || app.incarnation() != owner || app.placement() == null) return; // deleted or replaced by the user: its copies go
    Map<ClusterId, Integer> ready = lastReady.get(application + "/" + owner + "/" + component);
    Map<ClusterId, Integer> newest = app.placement().of(component);
    if (ready == null || !ready.containsKey(ClusterId.of(where.name)) || runsReady(application, owner, component, newest)) return;
    for (SimCluster c : clusters) if (!c.nodesUp && newest.containsKey(ClusterId.of(c.name))) return;
    int here = where.readyReplicas(application, owner, component, now);
    if (here - lost >= ready.get(ClusterId.of(where.name))) return; // what the Ready placement has here stays
    violation(Invariant.MAKE_BEFORE_BREAK, application + "/" + component + "/" + where.name, "the agent of " + where.name + " removes " + lost
        + " Ready replicas of " + application + "/" + component + " from the last placement that ran Ready (" + ready + ") while the newest, epoch "
        + app.placementEpoch() + " (" + app.placement().oneLine() + (app.previousPlacement() != null ? "; previous " + app.previousPlacement().oneLine() : "")
        + "), does not run Ready yet");
  }

  // ==================================================================================== the knowledge base

  private ObservationSnapshot observations() {
    return ObservationSnapshot.newBuilder().setTakenUnixMillis(EPOCH_MILLIS + now).addAllClusters(kbClusters.values())
        .addAllReadiness(kbReadiness.values()).addAllLatency(kbLatency.values()).build();
  }

  // ==================================================================================== a lead agent

  private final class Lead {
    final int id;
    boolean up = true;
    long incarnation;
    long pausedUntil;
    boolean isolated;
    long applyLag = 20;
    long proposalDelay = 15;
    long lastDelivery;
    long wallOffset;
    ControlPlaneState state = new ControlPlaneState();
    int applied;
    byte[] snapshot;
    int snapshotIndex;
    boolean believesLeader;
    long believedTerm;
    int readyIndex;
    AgentSessions sessions;
    AgentLiveness liveness;
    LeaseBook book;
    long bookTerm = -1;
    final Map<String, AgentFeed> feeds = new TreeMap<>();
    /** This replica's state, as the controllers and the gateway read it (whatever state a restart installed). */
    final StateReader reader = new StateReader() {
      @Override
      public <T> T read(Function<ControlPlaneState, T> read) {
        return read.apply(state);
      }
    };

    Lead(int id) {
      this.id = id;
      controllers();
    }

    long wall() {
      return EPOCH_MILLIS + now + wallOffset;
    }

    boolean leaderReady() {
      return believesLeader && applied >= readyIndex;
    }

    long readyTerm() {
      return leaderReady() ? believedTerm : 0;
    }

    /** What a (re)started lead agent process runs: the real controllers on this replica's state. */
    void controllers() {
      ObservationSource kb = new ObservationSource() {
        @Override public ObservationSnapshot latest() { return observations(); }
        @Override public ObservationSnapshot cached() { return observations(); }
        @Override public boolean degraded() { return false; }
      };
      Clock clock = new Clock() {
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(wall()); }
      };
      sessions = new AgentSessions();
      liveness = new AgentLiveness(sessions, kb, () -> now);
      feeds.clear();
      book = null;
      bookTerm = -1;
      io.qonnect.lead.placing.Proposer proposer = (command, decidedInTerm) -> {
        CompletableFuture<CommandResult> f = new CompletableFuture<>();
        propose(this, command, decidedInTerm, r -> {
          if (r == null) f.completeExceptionally(new IOException("not committed"));
          else f.complete(r);
        });
        return f;
      };
      PlacementController placement = new PlacementController(reader, this::readyTerm, kb, proposer, new PlacementEngine(),
          new PlacementRound.Policy(0.10, 10_000, 2, 120_000), d -> {}, clock, () -> now,
          cluster -> sessions.last(cluster).map(AgentSessions.Last::receivedMillis).orElse(Long.MIN_VALUE));
      HealthController health = new HealthController(reader, this::readyTerm, sessions, liveness, proposer, HealthRules.Config.DEFAULT, () -> now);
      long mine = incarnation;
      round(mine, 200, placement::reconcileOnce);
      round(mine, 250, health::reconcileOnce);
      round(mine, 100, this::push);
    }

    private void round(long mine, long period, Runnable r) {
      atLead(this, between(0, period), new Runnable() {
        @Override
        public void run() {
          if (incarnation != mine) return;
          r.run();
          atLead(Lead.this, period, this);
        }
      });
    }

    /** The gateway: every stream this lead agent holds gets what its feed says is due. */
    void push() {
      if (!believesLeader) {
        if (!feeds.isEmpty()) {
          feeds.clear();
          for (Agent a : agents) if (a.connectedTo == id) at(between(1, 20), a::disconnected);
        }
        return;
      }
      if (!leaderReady()) return; // as the gateway: nothing is sent before the committed tail is applied
      if (book == null || bookTerm != believedTerm) {
        book = new LeaseBook(LEASE_MILLIS, now);
        bookTerm = believedTerm;
      }
      for (AgentFeed feed : feeds.values()) {
        Agent agent = agents.get(Integer.parseInt(feed.cluster().value().substring(1)));
        for (LeadMessage m : feed.next(book, bookTerm, liveness, now)) {
          // a stream delivers in order (TCP): never before what was sent down it earlier
          long delay = Math.max(between(1, 20), agent.deliveredUntil - now);
          agent.deliveredUntil = now + delay;
          at(delay, () -> agent.receive(this, m));
        }
      }
    }

    /** A HELLO: accepted when this lead agent believes it leads (as the gateway does). */
    boolean hello(Agent agent) {
      if (!believesLeader) return false;
      feeds.put(agent.cluster.name, new AgentFeed(ClusterId.of(agent.cluster.name), reader, agent.assembly.hello(agent.cluster.name)));
      return true;
    }
  }

  // ==================================================================================== an agent

  private final class Agent {
    final SimCluster cluster;
    final Reconciliation reconciliation = new Reconciliation(Namespaces.defaults());
    boolean up = true;
    boolean partitioned;
    boolean heartbeatsLost;
    int connectedTo = -1;
    int nextTry;
    /** What the streams brought, complete states and deltas, as the agent's LeadStream assembles them. */
    DesiredAssembly assembly = new DesiredAssembly();
    /** The desired state the agent acts on (never an older one than it acted on: {@link Reconciliation#newer}). */
    DesiredState desired;
    /** When the last message sent down this agent's stream arrives. */
    long deliveredUntil;
    HeldLeases leases = new HeldLeases();
    /** The informer cache: what the agent last read from its API server. */
    List<HasMetadata> cache = List.of();
    List<Pod> podCache = List.of();
    boolean registered;
    long lastSequence;

    Agent(SimCluster cluster) {
      this.cluster = cluster;
    }

    boolean linkTo(Lead l) {
      return up && !partitioned && l.up;
    }

    void connect() {
      if (!up) return;
      if (connectedTo < 0) {
        Lead l = leads[nextTry++ % LEADS];
        if (linkTo(l) && l.pausedUntil <= now && l.hello(this)) {
          connectedTo = l.id;
          note(cluster.name + "'s agent streams from lead " + l.id);
          if (!registered) {
            registered = true;
            Tier tier = cluster.index == 0 ? Tier.TIER_CLOUD : cluster.index % 2 == 1 ? Tier.TIER_FOG : Tier.TIER_EDGE;
            propose(l, new Command.RegisterCluster(ClusterId.of(cluster.name), io.qonnect.lead.proto.ProtoMapper.fromProto(tier), "eu", "sim://" + cluster.name),
                r -> registered = r != null);
          }
        }
      }
      at(connectedTo < 0 ? 300 : 1000, this::connect);
    }

    void disconnected() {
      connectedTo = -1;
    }

    void crash() {
      note(cluster.name + "'s agent crashes");
      up = false;
      connectedTo = -1;
      desired = null;
      assembly = new DesiredAssembly();
      leases = new HeldLeases();
      podCache = List.of();
      cache = List.of();
      for (Lead l : leads) l.feeds.remove(cluster.name);
    }

    void restart() {
      note(cluster.name + "'s agent restarts");
      up = true;
      at(between(100, 500), this::connect);
    }

    /** A message on the stream (dropped when the link is down: the stream is cut, and gRPC keepalive ends it). */
    void receive(Lead from, LeadMessage m) {
      if (!up || connectedTo != from.id) return;
      if (!linkTo(from)) {
        disconnected();
        from.feeds.remove(cluster.name);
        return;
      }
      switch (m.getBodyCase()) {
        case DESIRED_STATE -> {
          desired = Reconciliation.newer(desired, assembly.accept(m.getDesiredState()));
          reconcile();
        }
        case DESIRED_DELTA -> {
          Optional<DesiredState> next = assembly.accept(m.getDesiredDelta());
          if (next.isEmpty()) { // not based on what it holds: the agent drops the stream and says what it holds in its next hello
            note(cluster.name + "'s agent drops its stream: a delta based on revision " + m.getDesiredDelta().getBaseRevision());
            disconnected();
            from.feeds.remove(cluster.name);
            return;
          }
          desired = Reconciliation.newer(desired, next.get());
          reconcile();
        }
        case LEASE -> {
          boolean was = leases.held(m.getLease().getApplication(), m.getLease().getComponent(), now);
          long until = leases.received(m.getLease().getApplication(), m.getLease().getComponent(), m.getLease().getDurationMillis(), now,
              m.getLease().getTerm());
          if (!was) reconcile();
          at(until - now + 1, this::reconcile);
        }
        default -> { }
      }
    }

    void heartbeat() {
      if (!up || connectedTo < 0) return;
      Lead l = leads[connectedTo];
      if (!linkTo(l) || heartbeatsLost) return;
      if (cluster.apiReachable()) {
        cache = List.copyOf(cluster.objects.values());
        podCache = listPods();
      }
      Heartbeat hb = Heartbeat.newBuilder().setCluster(cluster.name).setSequence(++lastSequence).setApiServerReachable(cluster.apiReachable())
          .setNodesTotal(1).setNodesReady(cluster.nodesUp ? 1 : 0).addAllSingletonsRunning(singletonsRunning()).build();
      atLead(l, between(1, 20), () -> l.sessions.heartbeat(hb, now, l.wall()));
    }

    /** As the agent computes it, from its pods informer (stale while the API server is unreachable). */
    List<String> singletonsRunning() {
      return RunningComponents.of(podCache.stream().map(io.qonnect.agent.report.PodUsage::of).toList(), cache.stream().filter(o -> o instanceof Deployment).toList());
    }

    /** The cluster's pods as its API server lists them, terminating ones included. */
    List<Pod> listPods() {
      List<Pod> out = new ArrayList<>();
      for (SimCluster.Pod p : cluster.runningPods()) {
        out.add(new PodBuilder().withNewMetadata().addToLabels(Labels.APPLICATION, p.application).addToLabels(Labels.COMPONENT, p.component)
            .endMetadata().build());
      }
      return out;
    }

    void reconcile() {
      if (!up || !cluster.apiReachable()) return;
      Reconciliation.Step step = reconciliation.plan(desired, cluster.observe(), (a, c) -> leases.held(a, c, now));
      Plan plan = step.plan();
      long revision = desired == null ? 0 : desired.getRevision();
      for (HasMetadata o : plan.create()) {
        HasMetadata existing = cluster.objects.get(SimCluster.key(o));
        if (existing != null && !Labels.sameOwner(o, existing)) continue;
        write(o, revision);
      }
      plan.update().forEach(o -> write(o, revision));
      for (ObservedObject gone : plan.delete()) {
        String key = gone.kind() + "/" + gone.namespace() + "/" + gone.name();
        checkWrite(key, revision);
        if (cluster.objects.get(key) instanceof Deployment d) checkRemoval(cluster, d, readyOf(key));
        if (gone.kind().equals("Namespace")) {
          for (var e : cluster.objects.entrySet()) {
            if (e.getValue() instanceof Deployment d && gone.name().equals(d.getMetadata().getNamespace())) checkRemoval(cluster, d, readyOf(e.getKey()));
          }
        }
        cluster.delete(key);
        note(cluster.name + " deletes " + key + " (desired revision " + revision + ")");
      }
      cache = List.copyOf(cluster.objects.values());
      checkSingletons();
    }

    private int readyOf(String key) {
      return (int) cluster.pods.getOrDefault(key, List.of()).stream().filter(p -> p.ready(now)).count();
    }

    private void write(HasMetadata o, long revision) {
      String key = SimCluster.key(o);
      checkWrite(key, revision);
      if (o instanceof Deployment d && cluster.objects.get(key) instanceof Deployment live) {
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        checkRemoval(cluster, live, readyOf(key) - want);
      }
      cluster.put(o);
      writtenFrom.put(cluster.name + "|" + key, revision);
    }

    private void checkWrite(String key, long revision) {
      Long from = writtenFrom.get(cluster.name + "|" + key);
      if (from != null && revision < from) {
        violation(Invariant.STALE_WRITE, cluster.name + "|" + key, "the agent of " + cluster.name + " changes " + key + " acting on desired revision "
            + revision + ", older than revision " + from + " it was written from");
      }
    }

    /** Reports to the knowledge base: capacity, readiness (from its informer cache), peer probes. */
    void report() {
      if (!up) return;
      if (cluster.apiReachable()) cache = List.copyOf(cluster.objects.values());
      long wall = EPOCH_MILLIS + now;
      kbClusters.put(cluster.name, ClusterReport.newBuilder().setCluster(cluster.name).setObservedUnixMillis(wall)
          .setRegion("eu").addNodes(NodeObservation.newBuilder().setName(cluster.name + "-node").setReady(cluster.nodesUp)
              .setAllocatable(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(cluster.cpuMillis).setMemoryBytes(cluster.memoryBytes))
              .setIdleWatts(40 + cluster.index * 5).setMaxWatts(150 + cluster.index * 10))
          .setPricePerCoreHour(0.02 + cluster.index * 0.01).setPricePerGibHour(0.005).setBandwidthMbps(1000).build());
      Map<String, HasMetadata> byKey = new HashMap<>();
      cache.forEach(o -> byKey.put(o.getKind() + "|" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), o));
      kbReadiness.put(cluster.name, ReadinessReports.of(cluster.name, wall, desired, reconciliation, (a, c) -> leases.held(a, c, now),
          (kind, key) -> byKey.get(kind + "|" + key)));
      LatencyReport.Builder probes = LatencyReport.newBuilder().setFromCluster(cluster.name).setObservedUnixMillis(wall);
      for (Agent peer : agents) {
        if (peer != this && peer.up && peer.desired != null) probes.addSamples(LatencySample.newBuilder().setTo(peer.cluster.name).setRttMs(5 + peer.cluster.index));
      }
      kbLatency.put(cluster.name, probes.build());
    }
  }

  // ==================================================================================== used by the drivers

  /** The last lines of the run's timeline, for a failing seed's report. */
  public static List<String> tail(Result r, int lines) {
    return r.timeline().subList(Math.max(0, r.timeline().size() - lines), r.timeline().size());
  }
}
