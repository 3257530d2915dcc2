package io.qonnect.lead.health;

import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the leader knows of each agent being alive: heartbeats on its own stream, and the peer agents' probes
 * as the knowledge base has them. Health verdicts use it to tell an agent cut off from the lead agents from
 * one that is gone; singleton leases use it to know an agent has stopped a singleton.
 */
public final class AgentLiveness implements LeaseBook.Fences {
  private final AgentSessions sessions;
  private final ObservationSource observations;
  private final LongSupplier monotonicMillis;
  /** Per cluster: the newest peer report (the peer's own time stamp) and when this lead agent first saw it (its own clock). */
  private final Map<String, long[]> peerSightings = new HashMap<>();
  /** The observation snapshot {@link #newestPeerReport} was indexed from, and the index: per cluster, the newest peer report naming it. */
  private ObservationSnapshot indexed;
  private Map<String, Long> newestPeerReport = Map.of();

  public AgentLiveness(AgentSessions sessions, ObservationSource observations, LongSupplier monotonicMillis) {
    this.sessions = sessions;
    this.observations = observations;
    this.monotonicMillis = monotonicMillis;
  }

  /**
   * When this lead agent learned that another member cluster's agent reached this cluster's agent, on its own
   * monotonic clock (0: never). A peer's report is stamped with the peer's wall clock, which is never compared
   * with this one's: only its change is noticed, and timed here.
   */
  public synchronized long lastReachedByPeers(String cluster) {
    long newest = newestPeerReports().getOrDefault(cluster, 0L);
    if (newest == 0) return peerSightings.containsKey(cluster) ? peerSightings.get(cluster)[1] : 0;
    long[] seen = peerSightings.get(cluster);
    if (seen == null || newest > seen[0]) {
      seen = new long[] {newest, monotonicMillis.getAsLong()};
      peerSightings.put(cluster, seen);
    }
    return seen[1];
  }

  /**
   * Per member cluster, the peer's time stamp of the newest report in which another cluster's agent reached it: one pass
   * over the cached reports each time the snapshot changes (a scan per cluster was clusters² × samples per health round).
   */
  private Map<String, Long> newestPeerReports() {
    ObservationSnapshot snapshot = observations.cached();
    if (snapshot != indexed) {
      Map<String, Long> newest = new HashMap<>();
      for (LatencyReport r : snapshot.getLatencyList()) {
        for (var sample : r.getSamplesList()) {
          if (!sample.getTo().equals(r.getFromCluster())) newest.merge(sample.getTo(), r.getObservedUnixMillis(), Math::max);
        }
      }
      newestPeerReport = newest;
      indexed = snapshot;
    }
    return newestPeerReport;
  }

  /**
   * Positive proof only: a heartbeat received after {@code sinceMillis} in which the agent, reading a reachable
   * API server, lists no pod of the singleton (terminating ones included). Nothing else counts: an unreachable
   * API server says nothing of the pods its kubelets keep running, and an agent its peers reach may still run
   * the singleton (a pod in its termination grace period, a lease clock of its own). A cluster that cannot
   * prove it holds the singleton back until it can, or until it is removed from the federation.
   */
  @Override
  public boolean stoppedAfter(String cluster, String application, String component, long sinceMillis) {
    Optional<Heartbeat> last = sessions.last(cluster).filter(l -> l.receivedMillis() > sinceMillis).map(AgentSessions.Last::heartbeat);
    return last.isPresent() && last.get().getApiServerReachable() && !last.get().getSingletonsRunningList().contains(application + "/" + component);
  }
}
