package io.qonnect.lead.raft;

import io.qonnect.lead.placing.Proposer;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import java.io.IOException;
import java.time.Clock;
import io.qonnect.lead.state.FeatureLevels;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposes commands to the group and fences reads, from inside a lead agent. Ratis's client finds the leader
 * itself (following NotLeader hints), so a write sent to any lead agent reaches the leader; it retries through
 * an election for up to about {@code retries × 50 ms} and then fails with an IOException (and the next proposal goes
 * through a new Ratis client: the one that gave up refuses everything after).
 */
public final class ControlPlaneClient implements Proposer, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneClient.class);
  /** Short: after a leader dies, the first retry that finds the new one ends the client's wait. */
  private static final long RETRY_SLEEP_MS = 50;
  /** Entries in flight from this lead agent at once, once batches may be proposed; chosen by measurement (docs/benchmarks.md). */
  static final int MAX_ENTRIES_IN_FLIGHT = 2;
  /** A batch stops growing here: well under Ratis's 4 MiB append buffer, so an entry always fits one AppendEntries. */
  static final int MAX_BATCH_BYTES = 512 * 1024;

  /** Ratis's client, replaced by a new one when it gave up ({@link #replaceIfClosed}). */
  private final AtomicReference<RaftClient> client;
  private final Supplier<RaftClient> newClient;
  private final RaftPeerId local;
  private final Clock clock;
  private final ControlPlaneStateMachine replica;
  private final GroupCommit groupCommit;

  /**
   * @param replica this lead agent's state machine: its feature level gates {@link #propose}, and a read barrier waits
   *     for it to apply
   */
  public ControlPlaneClient(RaftGroup group, RaftPeerId local, RaftProperties properties, org.apache.ratis.conf.Parameters parameters, int retries,
      Clock clock, ControlPlaneStateMachine replica) {
    this.replica = replica;
    this.newClient = () -> RaftClient.newBuilder()
        .setRaftGroup(group)
        .setProperties(properties)
        .setParameters(parameters)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(retries, TimeDuration.valueOf(RETRY_SLEEP_MS, java.util.concurrent.TimeUnit.MILLISECONDS)))
        .build();
    this.client = new AtomicReference<>(newClient.get());
    this.local = local;
    this.clock = clock;
    this.groupCommit = new GroupCommit(this::send, MAX_ENTRIES_IN_FLIGHT, MAX_BATCH_BYTES);
  }

  /**
   * Proposes without holding a thread while the entry is replicated: many proposals share one pipelined
   * stream to the leader (Ratis's async API). Completes exceptionally with an IOException when not committed.
   * A command above the committed feature level is not proposed at all (some peer may not know it): it is
   * rejected here as UNSUPPORTED. {@link Command.SetFeatureLevel} is the gate itself, raised only once every
   * peer knows the level (see {@code FeatureGateController}).
   */
  @Override
  public CompletableFuture<CommandResult> propose(Command command, long decidedInTerm) {
    return propose(command, decidedInTerm, 0, "");
  }

  /**
   * Proposes a caller's write that is worth applying only while the caller waits: {@code waitMillis} from now (0: no
   * bound). Retries of this proposal (Ratis's, or TCP's after a partition heals) that arrive once newer entries were
   * applied are rejected as stale (from log feature level 5) instead of landing over them.
   */
  public CompletableFuture<CommandResult> proposeWithin(Command command, long waitMillis) {
    return proposeWithin(command, waitMillis, "");
  }

  /**
   * Like {@link #proposeWithin(Command, long)}, for a request the caller named ({@code requestId}, "" for none): once
   * one entry of it was applied, later ones (the caller's retries, here or at another lead agent) are answered with
   * what that did (from log feature level 9).
   */
  public CompletableFuture<CommandResult> proposeWithin(Command command, long waitMillis, String requestId) {
    return propose(command, 0, waitMillis <= 0 ? 0 : clock.millis() + waitMillis, requestId);
  }

  /** The log's feature level as this lead agent applied it. */
  private int committedFeatureLevel() {
    return replica.read(io.qonnect.lead.state.ControlPlaneState::featureLevel);
  }

  private CompletableFuture<CommandResult> propose(Command command, long decidedInTerm, long validUntilMillis, String requestId) {
    var refused = FeatureLevels.refusal(command, committedFeatureLevel());
    if (refused.isPresent()) return CompletableFuture.completedFuture(refused.get());
    byte[] entry = CommandCodec.encode(clock.millis(), decidedInTerm, validUntilMillis, requestId, command);
    // below the batch level a peer may not know batches: every command is an entry of its own, all pipelined
    if (committedFeatureLevel() < FeatureLevels.BATCHED_ENTRIES) return send(entry).thenApply(CommandCodec::decodeResult);
    return groupCommit.propose(entry);
  }

  /** Sends one log entry's bytes; completes with the reply's bytes, exceptionally with an IOException when not committed. */
  private CompletableFuture<byte[]> send(byte[] entry) {
    RaftClient sending = client.get();
    return sending.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry))).whenComplete((reply, failure) -> {
      if (failure != null) replaceIfClosed(sending, failure);
    }).thenApply(reply -> {
      if (!reply.isSuccess()) throw new CompletionException(new IOException("not committed: " + reply.getException()));
      return reply.getMessage().getContent().toByteArray();
    });
  }

  /**
   * Once Ratis's client gives up on a proposal (its retries spent: the group unreachable for longer than they last) it
   * closes its ordered window, and every later proposal through it fails at once: so the client that failed this way is
   * replaced by a new one (once, whoever notices first), and proposals go on through that.
   */
  private void replaceIfClosed(RaftClient failed, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (!(cause instanceof RaftRetryFailureException) && !(cause instanceof AlreadyClosedException)) return;
    RaftClient fresh = newClient.get();
    if (!client.compareAndSet(failed, fresh)) {
      closeQuietly(fresh);
      return;
    }
    LOG.warn("the Raft client gave up ({}): proposing through a new one", cause.getMessage());
    closeQuietly(failed);
  }

  private static void closeQuietly(RaftClient c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing a Raft client: {}", e.toString());
    }
  }

  /**
   * Returns once this lead agent's state machine has applied every write acknowledged before the call: a linearizable
   * read on any peer. From feature level 8 the barrier is an entry of the log ({@link Command.ReadBarrier}, batched with
   * whatever else is proposed) that this replica then waits to apply; below, Ratis's ReadIndex, which a leader cut off
   * from the others may answer from a stale state (see {@link FeatureLevels}). Gives up after {@code waitMillis} (the
   * caller's deadline: without a quorum, Ratis's own retries last minutes).
   */
  public void readBarrier(long waitMillis) throws IOException {
    if (committedFeatureLevel() < FeatureLevels.READ_BARRIERS) {
      readIndex(waitMillis);
      return;
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMillis);
    CommandResult result = await(propose(new Command.ReadBarrier(), 0), waitMillis);
    long revision = switch (result) {
      case CommandResult.Accepted a -> a.revision();
      case CommandResult.Rejected r -> throw new IOException("read barrier refused: " + r.reason());
    };
    try {
      long left = Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      if (!replica.awaitRevision(revision, left)) {
        throw new IOException("the read barrier committed at revision " + revision + ", which this lead agent had not applied within " + waitMillis + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for a read barrier");
    }
  }

  /** The barrier's answer within {@code waitMillis}, or an IOException saying why not. */
  private static <T> T await(CompletableFuture<T> future, long waitMillis) throws IOException {
    try {
      return future.get(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      future.cancel(true);
      throw new IOException("no answer within " + waitMillis + " ms");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("read barrier failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for a read barrier");
    }
  }

  /** A ReadIndex read through the local server, which asks the leader (below level 8). */
  private void readIndex(long waitMillis) throws IOException {
    // unordered: an ordered read would sit in the same sliding window as this client's proposals, and one that times
    // out there fails the requests queued behind it
    RaftClientReply reply = await(client.get().async().sendReadOnlyUnordered(Message.EMPTY, local), waitMillis);
    if (!reply.isSuccess()) throw new IOException("read barrier failed: " + reply.getException());
  }

  @Override
  public void close() throws IOException {
    client.get().close();
  }
}
