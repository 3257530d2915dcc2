package io.qonnect.lead.health;

import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.lease.SingletonLeases;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.LatencyReport;
import java.util.Optional;

/**
 * What the leader knows of each agent being alive: heartbeats on its own stream, and the peer agents' probes
 * as the knowledge base has them. Health verdicts use it to tell an agent cut off from the lead agents from
 * one that is gone; singleton leases use it to know an agent has stopped a singleton.
 */
public final class AgentLiveness implements SingletonLeases.Fences {
  private final AgentSessions sessions;
  private final ObservationSource observations;

  public AgentLiveness(AgentSessions sessions, ObservationSource observations) {
    this.sessions = sessions;
    this.observations = observations;
  }

  /** When another member cluster's agent last reached this cluster's agent (its report's time), or 0. */
  public long lastReachedByPeers(String cluster) {
    long newest = 0;
    for (LatencyReport r : observations.cached().getLatencyList()) {
      if (r.getFromCluster().equals(cluster) || r.getObservedUnixMillis() <= newest) continue;
      if (r.getSamplesList().stream().anyMatch(s -> s.getTo().equals(cluster))) newest = r.getObservedUnixMillis();
    }
    return newest;
  }

  /**
   * A heartbeat received after {@code sinceMillis} is the agent's own word on what it runs; one that says
   * its API server is unreachable reports the cluster down, and qonnect counts a down cluster's singletons as
   * stopped (if its nodes in fact run on, the singleton runs twice until the cluster is back and its agent
   * removes the copy: docs/evaluation.md). Without a heartbeat, a peer reaching the agent after that shows it
   * alive past its lease: it has scaled the singleton to zero (agents start their probe endpoint only after
   * their first reconcile, so a restarted one has too).
   */
  @Override
  public boolean stoppedAfter(String cluster, String application, String component, long sinceMillis) {
    Optional<Heartbeat> last = sessions.last(cluster).filter(l -> l.receivedMillis() > sinceMillis).map(AgentSessions.Last::heartbeat);
    if (last.isPresent()) {
      return !last.get().getApiServerReachable() || !last.get().getSingletonsRunningList().contains(application + "/" + component);
    }
    return lastReachedByPeers(cluster) > sinceMillis;
  }
}
