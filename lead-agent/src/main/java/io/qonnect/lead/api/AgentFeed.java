package io.qonnect.lead.api;

import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.SingletonLease;
import java.util.ArrayList;
import java.util.List;

/**
 * What the leader sends one member cluster's agent on its stream, decided without I/O: the cluster's complete
 * desired state whenever the replicated state moved on and its content changed, and the leases of the
 * singletons it is placed to run, renewed every {@value #LEASE_RENEW_MS} ms. The gRPC stream and the
 * simulation both call {@link #next} periodically and send what it returns.
 */
public final class AgentFeed {
  static final long LEASE_RENEW_MS = 500;

  private final ClusterId cluster;
  private final DesiredIndex index;
  private final DesiredStates desiredStates = new DesiredStates();
  private long seenRevision = -1;
  private DesiredState sent;
  private List<DesiredStates.Singleton> singletons = List.of();
  private List<String> memberClusters = List.of();
  private long peersAtClusterSet = -1;
  private List<io.qonnect.proto.v1.PeerAgent> peers = List.of();
  private long leasesRenewed = Long.MIN_VALUE;

  /** A feed with an index of its own (one agent, as the simulation has). */
  public AgentFeed(ClusterId cluster, StateReader state) {
    this(cluster, new DesiredIndex(state));
  }

  /** @param index shared by every feed of this lead agent: each revision is arranged once for all of them */
  public AgentFeed(ClusterId cluster, DesiredIndex index) {
    this.cluster = cluster;
    this.index = index;
  }

  public ClusterId cluster() {
    return cluster;
  }

  /** The messages due now; {@code book} is the leader's lease book of its current term {@code term}. */
  public List<LeadMessage> next(LeaseBook book, long term, LeaseBook.Fences fences, long nowMillis) {
    List<LeadMessage> out = new ArrayList<>();
    desiredIfChanged().ifPresent(d -> out.add(LeadMessage.newBuilder().setDesiredState(d).build()));
    if (leasesRenewed == Long.MIN_VALUE || nowMillis - leasesRenewed >= LEASE_RENEW_MS) {
      leasesRenewed = nowMillis;
      for (DesiredStates.Singleton s : singletons) {
        if (!book.grant(s.application(), s.component(), cluster.value(), memberClusters, fences, nowMillis)) continue;
        out.add(LeadMessage.newBuilder().setLease(SingletonLease.newBuilder().setApplication(s.application())
            .setComponent(s.component()).setDurationMillis(book.durationMillis()).setTerm(term)).build());
      }
    }
    return out;
  }

  private java.util.Optional<DesiredState> desiredIfChanged() {
    DesiredIndex.View now = index.current();
    if (now.revision() == seenRevision) return java.util.Optional.empty();
    seenRevision = now.revision();
    boolean peersChanged = now.clusterSetRevision() != peersAtClusterSet;
    if (peersChanged) { // the member clusters change far less often than the applications: only then walk them
      peersAtClusterSet = now.clusterSetRevision();
      peers = DesiredStates.peers(cluster, now.clusters());
      memberClusters = now.clusters().stream().filter(c -> !c.agentAddress().isEmpty()).map(c -> c.id().value()).toList();
    }
    DesiredStates.ForCluster desired = desiredStates.withPeers(cluster, now.applicationsOn(cluster), peers, now.revision());
    singletons = desired.singletons();
    boolean same = sent != null && sent.getApplicationsList().equals(desired.state().getApplicationsList())
        && (!peersChanged || sent.getPeersList().equals(peers));
    if (same) return java.util.Optional.empty();
    sent = desired.state().toBuilder().setRevisionProposedUnixMillis(now.revisionMillis()).build();
    return java.util.Optional.of(sent);
  }
}
