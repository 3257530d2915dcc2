package io.qonnect.lead.health;

import io.qonnect.lead.state.StateReader;
import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.placing.Proposer;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.Command.SetClusterHealth;
import io.qonnect.lead.state.Command.SetClusterHealths;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.proto.v1.Heartbeat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import io.qonnect.ops.Logs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader only: turns heartbeats and peer probes into committed health verdicts with {@link HealthRules}.
 * A verdict is proposed as a compare-and-set on the cluster set revision, so one computed against a registry
 * that changed meanwhile is rejected and decided again. A new leader starts with fresh rules and leaves each
 * cluster's verdict as it is until its agent has heartbeated to it or {@value #CONNECT_GRACE_MS} ms have passed
 * (then silence counts from when it first saw the cluster): agents need a moment to find a new leader, and
 * after a full restart they start after the lead agents, so neither a leader change, a restart nor a new
 * registration fails, or heals, a cluster on missing news alone.
 * Member clusters registered without an agent (by an inventory seeder, for planning) are not judged.
 */
public final class HealthController {
  private static final Logger LOG = LoggerFactory.getLogger(HealthController.class);
  /**
   * How long a new leader waits for an agent's first heartbeat before judging its silence. Agents find a new
   * leader within 1–2 s; after a full restart of the local federation they start after the lead agents, and on
   * a loaded 2-core machine their first heartbeat came 16 s after the election. The cost: a cluster that died
   * together with the leader is noticed up to this much later.
   */
  static final long CONNECT_GRACE_MS = 20_000;

  private final StateReader stateMachine;
  /** The term this lead agent leads with its state caught up, 0 when it does not. */
  private final LongSupplier readyTerm;
  private final AgentSessions sessions;
  private final AgentLiveness liveness;
  private final Proposer proposer;
  private final HealthRules.Config config;
  /** Monotonic: verdicts are durations, and a wall-clock step must not fail or heal a cluster. */
  private final LongSupplier monotonicMillis;
  private HealthRules rules;
  /** When this leader first saw each cluster in the registry: silence of a newly registered agent counts from then. */
  private final Map<String, Long> firstSeen = new HashMap<>();

  public HealthController(StateReader stateMachine, LongSupplier readyTerm, AgentSessions sessions,
      AgentLiveness liveness, Proposer proposer, HealthRules.Config config, LongSupplier monotonicMillis) {
    this.stateMachine = stateMachine;
    this.readyTerm = readyTerm;
    this.sessions = sessions;
    this.liveness = liveness;
    this.proposer = proposer;
    this.config = config;
    this.monotonicMillis = monotonicMillis;
  }

  /** One pass; call it periodically from one thread. */
  public void reconcileOnce() {
    long now = monotonicMillis.getAsLong();
    long term = readyTerm.getAsLong();
    if (term == 0) {
      rules = null;
      return;
    }
    if (rules == null) {
      rules = new HealthRules(config);
      firstSeen.clear();
    }
    record Work(List<ClusterRecord> clusters, long clusterSetRevision, int featureLevel) {}
    Work work = stateMachine.read(s -> new Work(s.clusters(), s.clusterSetRevision(), s.featureLevel()));
    List<SetClusterHealth> verdicts = new ArrayList<>();
    for (ClusterRecord c : work.clusters()) {
      if (c.agentAddress().isEmpty()) continue; // registered by an inventory seeder: no agent, no heartbeats to judge
      String name = c.id().value();
      long since = firstSeen.computeIfAbsent(name, k -> now);
      Optional<AgentSessions.Last> last = sessions.last(name).filter(l -> l.receivedMillis() >= since);
      if (last.isEmpty() && now - since < CONNECT_GRACE_MS) continue; // its agent may still be finding this leader
      long lastHeartbeat = last.map(AgentSessions.Last::receivedMillis).orElse(since);
      boolean reachedByPeers = liveness.lastReachedByPeers(name) > lastHeartbeat; // alive after it went silent
      HealthRules.Signals signals = last.map(l -> signals(lastHeartbeat, l.heartbeat(), reachedByPeers))
          .orElse(new HealthRules.Signals(since, true, 0, 0, reachedByPeers));
      rules.evaluate(name, c.health(), signals, now).ifPresent(v -> verdicts.add(new SetClusterHealth(c.id(), v.health(), v.reason(), work.clusterSetRevision())));
    }
    if (verdicts.isEmpty()) return;
    // one command for the round: each on its own, only the first would pass the compare-and-set
    List<Command> commands = work.featureLevel() >= FeatureLevels.required(new SetClusterHealths(List.of(), 0))
        ? List.of(new SetClusterHealths(verdicts, work.clusterSetRevision())) : List.copyOf(verdicts);
    for (Command command : commands) {
      proposer.propose(command, term).whenComplete((r, e) -> {
        if (!(r instanceof CommandResult.Accepted)) return;
        for (SetClusterHealth v : verdicts) {
          try (var mdc = Logs.context(Logs.CLUSTER, v.cluster().value(), Logs.TERM, Long.toString(term))) {
            LOG.info("{}: {} ({})", v.cluster().value(), v.health(), v.reason());
          }
        }
      });
    }
  }

  private static HealthRules.Signals signals(long last, Heartbeat h, boolean peers) {
    return new HealthRules.Signals(last, h.getApiServerReachable(), h.getNodesReady(), h.getNodesTotal(), peers);
  }
}
