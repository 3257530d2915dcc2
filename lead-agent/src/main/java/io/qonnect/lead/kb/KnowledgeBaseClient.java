package io.qonnect.lead.kb;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ObservedEvent;
import io.qonnect.proto.v1.SnapshotRequest;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lead agent's view of the knowledge base. When it is unreachable the lead agent keeps serving with the
 * last snapshot it got: degraded, not down; the change is logged once each way.
 *
 * <p>Snapshots are read in pages ({@code SnapshotPages}), so no single message grows with the federation's latency
 * matrix; a knowledge base older than pages (UNIMPLEMENTED) is read whole, once noticed, from then on.
 */
public final class KnowledgeBaseClient implements ObservationSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBaseClient.class);
  private static final long DEADLINE_MS = 2000;

  private final String address;
  private final Clock clock;
  private final LongSupplier monotonicMillis;
  private final ManagedChannel channel;
  private final KnowledgeBaseGrpc.KnowledgeBaseBlockingStub stub;
  private volatile ObservationSnapshot last = ObservationSnapshot.getDefaultInstance();
  /** When {@link #last} was fetched, monotonic; {@code Long.MIN_VALUE / 2} before the first fetch. */
  private volatile long fetchedAtMillis = Long.MIN_VALUE / 2;
  private volatile boolean degraded;
  private volatile boolean pages = true;

  /** {@code clock} stamps history events; {@code monotonicMillis} measures a snapshot's age. */
  public KnowledgeBaseClient(String address, Transport transport, Clock clock, LongSupplier monotonicMillis) {
    this.address = address;
    this.clock = clock;
    this.monotonicMillis = monotonicMillis;
    this.channel = transport.channel(address, Identity.KnowledgeBase.class);
    this.stub = KnowledgeBaseGrpc.newBlockingStub(channel);
  }

  @Override
  public ObservationSnapshot latest() {
    long started = monotonicMillis.getAsLong();
    try {
      last = fetch();
      fetchedAtMillis = started;
      if (degraded) LOG.info("knowledge base {} reachable again", address);
      degraded = false;
    } catch (StatusRuntimeException e) {
      if (!degraded) LOG.warn("knowledge base {} unreachable ({}): placing with the last snapshot (degraded)", address, e.getStatus().getCode());
      degraded = true;
    }
    return last;
  }

  @Override
  public ObservationSnapshot recent(long maxAgeMillis) {
    return monotonicMillis.getAsLong() - fetchedAtMillis <= maxAgeMillis ? last : latest();
  }

  private ObservationSnapshot fetch() {
    var deadline = stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS);
    if (pages) {
      try {
        ObservationSnapshot.Builder whole = ObservationSnapshot.newBuilder();
        deadline.snapshotPages(SnapshotRequest.getDefaultInstance()).forEachRemaining(whole::mergeFrom);
        return whole.build();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) throw e;
        LOG.info("knowledge base {} does not serve snapshot pages: reading whole snapshots", address);
        pages = false;
      }
    }
    return deadline.snapshot(SnapshotRequest.getDefaultInstance());
  }

  @Override
  public ObservationSnapshot cached() {
    return last;
  }

  @Override
  public boolean degraded() {
    return degraded;
  }

  /**
   * Appends a committed decision to the placement history. Best effort: history is an observation; the
   * decision itself is in the replicated state, so losing one entry here loses nothing.
   */
  public void recordPlacement(CommitPlacement decision) {
    ObservedEvent event = ObservedEvent.newBuilder()
        .setTimeUnixMillis(clock.millis())
        .setKind(decision.placement() == null ? "Unschedulable" : "PlacementCommitted")
        .setSubject(decision.application())
        .setMessage(decision.placement() == null ? io.qonnect.lead.state.Diagnoses.headline(decision.application(), decision.diagnosis()) : decision.placement().oneLine())
        .build();
    try {
      stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).recordEvent(event);
    } catch (StatusRuntimeException e) {
      LOG.debug("could not record {} in the knowledge base: {}", event.getKind(), e.getStatus());
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
