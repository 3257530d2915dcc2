package io.qonnect.agent.upstream;

import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredDelta;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.HeldApplication;
import io.qonnect.proto.v1.Hello;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The complete desired state an agent holds, as its streams bring it: complete states, and deltas applied to exactly
 * the revision they are based on. Without I/O. It outlives each stream: the hello of the next one says what it holds,
 * so that the leader sends only what differs. Its methods are called from the stream's threads, one at a time.
 */
public final class DesiredAssembly {
  private final boolean deltas;
  private DesiredState held;

  /** An agent's: it takes deltas. */
  public DesiredAssembly() {
    this(true);
  }

  /** @param deltas false: the hello asks for complete states only, as agents before 0.8 (to compare the two) */
  public DesiredAssembly(boolean deltas) {
    this.deltas = deltas;
  }

  /** The hello of a stream for {@code cluster}: deltas accepted, and what is held (its revision, each application's digest). */
  public synchronized Hello hello(String cluster) {
    Hello.Builder b = Hello.newBuilder().setCluster(cluster).setAcceptsDeltas(deltas);
    if (held != null && deltas) {
      b.setHaveDesiredRevision(held.getRevision());
      held.getApplicationsList().forEach(a -> b.addHeld(HeldApplication.newBuilder().setApplication(a.getApplication()).setDigest(a.getDigest())));
    }
    return b.build();
  }

  /** The complete desired state held; empty before the first one arrived. */
  public synchronized Optional<DesiredState> held() {
    return Optional.ofNullable(held);
  }

  /** A complete state replaces whatever is held. */
  public synchronized DesiredState accept(DesiredState complete) {
    held = complete;
    return complete;
  }

  /**
   * The complete state {@code delta} makes of the held one; empty when it is based on another revision than the one
   * held (nothing changes: the stream that brought it must be dropped, and the next hello says what is held).
   */
  public synchronized Optional<DesiredState> accept(DesiredDelta delta) {
    long heldRevision = held == null ? 0 : held.getRevision();
    if (delta.getBaseRevision() != heldRevision) return Optional.empty();
    SortedMap<String, DesiredApplication> applications = new TreeMap<>();
    if (held != null) held.getApplicationsList().forEach(a -> applications.put(a.getApplication(), a));
    delta.getRemovedList().forEach(applications::remove);
    delta.getUpsertsList().forEach(a -> applications.put(a.getApplication(), a));
    DesiredState.Builder next = DesiredState.newBuilder().setCluster(delta.getCluster()).setRevision(delta.getRevision())
        .setRevisionProposedUnixMillis(delta.getRevisionProposedUnixMillis()).addAllApplications(applications.values());
    if (delta.getPeersChanged()) next.addAllPeers(delta.getPeersList());
    else if (held != null) next.addAllPeers(held.getPeersList());
    held = next.build();
    return Optional.of(held);
  }
}
