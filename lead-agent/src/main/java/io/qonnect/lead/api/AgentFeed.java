package io.qonnect.lead.api;

import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.DesiredDelta;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Hello;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.PeerAgent;
import io.qonnect.proto.v1.SingletonLease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the leader sends one member cluster's agent on its stream, decided without I/O: whenever the replicated state
 * moved on and changed what the cluster runs, what changed (a {@link DesiredDelta} against what the agent holds, to an
 * agent whose hello accepts deltas) or the complete desired state (to an agent before 0.8); and the leases of the
 * singletons it is placed to run, renewed every {@value #LEASE_RENEW_MS} ms. The gRPC stream and the simulation both
 * call {@link #next} periodically and send what it returns.
 *
 * <p>What the agent holds is known by digest, one per application: from its hello (a reconnect, to this lead agent or
 * another, resumes from what the agent has), then from what this feed sent. An application is rendered again only when
 * its committed record changed, so a commit costs the feeds of the clusters it does not touch a scan of their own
 * applications' records and nothing else.
 */
public final class AgentFeed {
  static final long LEASE_RENEW_MS = 500;

  private final ClusterId cluster;
  private final DesiredIndex index;
  private final boolean deltas;
  private long seenRevision = -1;
  /** What the agent holds: its revision and each application's digest (from its hello, then as sent). */
  private long heldRevision;
  private Map<String, Long> held;
  /** The applications rendered for this cluster by name, each with the committed record it was rendered from. */
  private Map<String, Entry> rendered = new HashMap<>();
  private List<DesiredStates.Singleton> singletons = List.of();
  private List<String> memberClusters = List.of();
  private long peersAtClusterSet = -1;
  private boolean peersSent;
  private List<PeerAgent> peers = List.of();
  private long leasesRenewed = Long.MIN_VALUE;

  private record Entry(ApplicationRecord record, Optional<DesiredStates.Rendered> rendered) {}

  /** A feed with an index of its own (one agent, as the simulation has). */
  public AgentFeed(ClusterId cluster, StateReader state, Hello hello) {
    this(cluster, new DesiredIndex(state), hello);
  }

  /**
   * @param index shared by every feed of this lead agent: each revision is arranged once for all of them
   * @param hello the agent's: whether it takes deltas and what it holds
   */
  public AgentFeed(ClusterId cluster, DesiredIndex index, Hello hello) {
    this.cluster = cluster;
    this.index = index;
    this.deltas = hello.getAcceptsDeltas();
    this.heldRevision = hello.getHaveDesiredRevision();
    this.held = new HashMap<>();
    if (deltas) hello.getHeldList().forEach(h -> held.put(h.getApplication(), h.getDigest()));
  }

  public ClusterId cluster() {
    return cluster;
  }

  /** The messages due now; {@code book} is the leader's lease book of its current term {@code term}. */
  public List<LeadMessage> next(LeaseBook book, long term, LeaseBook.Fences fences, long nowMillis) {
    List<LeadMessage> out = new ArrayList<>();
    desiredIfChanged().ifPresent(out::add);
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

  private Optional<LeadMessage> desiredIfChanged() {
    DesiredIndex.View now = index.current();
    if (now.revision() == seenRevision) return Optional.empty();
    seenRevision = now.revision();
    boolean peersChanged = false;
    if (now.clusterSetRevision() != peersAtClusterSet) { // the member clusters change far less often than the applications: only then walk them
      peersAtClusterSet = now.clusterSetRevision();
      List<PeerAgent> plan = DesiredStates.peers(cluster, now.probes());
      peersChanged = !plan.equals(peers); // a health verdict changes the cluster set, rarely whom this agent probes
      peers = plan;
      memberClusters = now.clusters().stream().filter(c -> !c.agentAddress().isEmpty()).map(c -> c.id().value()).toList();
    }
    // render only what a commit replaced: records are immutable, an unchanged application is the same object
    List<ApplicationRecord> here = now.applicationsOn(cluster);
    Map<String, Entry> next = new HashMap<>(here.size() * 2);
    List<DesiredStates.Rendered> desired = new ArrayList<>(here.size()); // in name order, as the index lists them
    for (ApplicationRecord app : here) {
      Entry e = rendered.get(app.name());
      if (e == null || e.record() != app) e = new Entry(app, DesiredStates.render(app, cluster));
      next.put(app.name(), e);
      e.rendered().ifPresent(desired::add);
    }
    rendered = next;
    singletons = desired.stream().flatMap(r -> r.singletons().stream()).toList();

    boolean peersDue = peersChanged || !peersSent; // the first message always says whom to probe
    boolean same = held.size() == desired.size() && desired.stream().allMatch(r -> held(r));
    if (same && !peersDue) return Optional.empty();
    LeadMessage message = deltas ? delta(now, desired, peersDue) : complete(now, desired);
    heldRevision = now.revision();
    held = new HashMap<>(desired.size() * 2);
    desired.forEach(r -> held.put(r.application().getApplication(), r.digest()));
    peersSent = true;
    return Optional.of(message);
  }

  /** The agent holds this application as rendered. */
  private boolean held(DesiredStates.Rendered r) {
    Long digest = held.get(r.application().getApplication());
    return digest != null && digest == r.digest();
  }

  private LeadMessage delta(DesiredIndex.View now, List<DesiredStates.Rendered> desired, boolean peersDue) {
    DesiredDelta.Builder d = DesiredDelta.newBuilder().setCluster(cluster.value()).setBaseRevision(heldRevision).setRevision(now.revision())
        .setRevisionProposedUnixMillis(now.revisionMillis());
    Set<String> gone = new TreeSet<>(held.keySet());
    for (DesiredStates.Rendered r : desired) {
      gone.remove(r.application().getApplication());
      if (!held(r)) d.addUpserts(r.application());
    }
    d.addAllRemoved(gone);
    if (peersDue) d.setPeersChanged(true).addAllPeers(peers);
    return LeadMessage.newBuilder().setDesiredDelta(d).build();
  }

  private LeadMessage complete(DesiredIndex.View now, List<DesiredStates.Rendered> desired) {
    DesiredState.Builder b = DesiredState.newBuilder().setCluster(cluster.value()).setRevision(now.revision()).addAllPeers(peers)
        .setRevisionProposedUnixMillis(now.revisionMillis());
    desired.forEach(r -> b.addApplications(r.application()));
    return LeadMessage.newBuilder().setDesiredState(b).build();
  }
}
