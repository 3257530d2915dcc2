package io.qonnect.lead.api;

import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
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
  private final StateReader state;
  private final DesiredStates desiredStates = new DesiredStates();
  private long seenRevision = -1;
  private DesiredState sent;
  private List<DesiredStates.Singleton> singletons = List.of();
  private List<String> memberClusters = List.of();
  private long leasesRenewed = Long.MIN_VALUE;

  public AgentFeed(ClusterId cluster, StateReader state) {
    this.cluster = cluster;
    this.state = state;
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
    record Now(long revision, long revisionMillis, List<ApplicationRecord> applications, List<ClusterRecord> clusters) {}
    Now now = state.read(s -> s.revision() == seenRevision ? new Now(seenRevision, 0, List.of(), List.of())
        : new Now(s.revision(), s.revisionMillis(), s.applications(), s.clusters()));
    if (now.revision() == seenRevision) return java.util.Optional.empty();
    seenRevision = now.revision();
    DesiredStates.ForCluster desired = desiredStates.forCluster(cluster, now.applications(), now.clusters(), now.revision());
    singletons = desired.singletons();
    memberClusters = now.clusters().stream().filter(c -> !c.agentAddress().isEmpty()).map(c -> c.id().value()).toList();
    if (sent != null && sent.getApplicationsList().equals(desired.state().getApplicationsList())
        && sent.getPeersList().equals(desired.state().getPeersList())) return java.util.Optional.empty();
    sent = desired.state().toBuilder().setRevisionProposedUnixMillis(now.revisionMillis()).build();
    return java.util.Optional.of(sent);
  }
}
