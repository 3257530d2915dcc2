package io.qonnect.lead.raft;

import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.ControlPlaneState;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import io.qonnect.lead.state.FeatureLevels;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import io.qonnect.lead.state.StateReader;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis adapter around {@link ControlPlaneState}: decodes a log entry, applies it, encodes the result;
 * writes and loads snapshots. All rules live in the state; a business rejection is a result value, never an
 * exception (Ratis shuts a server down when apply throws).
 */
public final class ControlPlaneStateMachine extends BaseStateMachine implements StateReader {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneStateMachine.class);

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final ControlPlaneState state = new ControlPlaneState();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();
  /** Signalled whenever the state moves (an entry applied, a snapshot loaded): what {@link #awaitRevision} waits on. */
  private final Object moved = new Object();
  /** Where snapshots are encoded and written: off Ratis's apply thread, which only copies the state's records out. */
  private final Executor snapshotWriter;
  private final ExecutorService ownWriter;
  /** The snapshot being written, or the last one written and not yet reported to Ratis; null when neither. */
  private CompletableFuture<Long> snapshotWritten;

  public ControlPlaneStateMachine() {
    this.ownWriter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "snapshot-writer");
      t.setDaemon(true);
      return t;
    });
    this.snapshotWriter = ownWriter;
  }

  /** @param snapshotWriter runs each snapshot's write (tests: by hand, or at once) */
  ControlPlaneStateMachine(Executor snapshotWriter) {
    this.ownWriter = null;
    this.snapshotWriter = snapshotWriter;
  }

  /** Runs {@code read} against the state under the read lock; the function must not keep references to mutable parts. */
  @Override
  public <T> T read(Function<ControlPlaneState, T> read) {
    lock.readLock().lock();
    try {
      return read.apply(state);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Waits until this replica's state has reached {@code revision} (applied the entry that made it, or a later one);
   * false when it has not within {@code waitMillis}.
   */
  public boolean awaitRevision(long revision, long waitMillis) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMillis);
    synchronized (moved) {
      while (read(ControlPlaneState::revision) < revision) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(moved, left);
      }
    }
    return true;
  }

  private void signalMoved() {
    synchronized (moved) {
      moved.notifyAll();
    }
  }

  public String stateHash() {
    return read(SnapshotCodec::hash);
  }

  /** Ratis tells every peer when the group's leader changes (an election with another winner). */
  @Override
  public void notifyLeaderChanged(org.apache.ratis.protocol.RaftGroupMemberId groupMemberId, org.apache.ratis.protocol.RaftPeerId newLeaderId) {
    leaderChanges.incrementAndGet();
  }

  /** How many leader changes this peer has been told of since it started (a metric). */
  public long leaderChanges() {
    return leaderChanges.get();
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    // Ratis pauses a RUNNING state machine before installing a snapshot and checks it is PAUSED before
    // reinitialize(): the life cycle must really run through these states
    getLifeCycle().startAndTransition(() -> {
      storage.init(raftStorage);
      load(storage.getLatestSnapshot(), "loaded own snapshot");
    });
  }

  /** Called before a snapshot from the leader replaces the state (BaseStateMachine's is a no-op in Ratis 3.3). */
  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public void reinitialize() throws IOException {
    load(storage.loadLatestSnapshot(), "reinitialized from snapshot (installed from the leader)");
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * Replaces the state with the snapshot's; a snapshot whose bytes do not match their digest, or that does not
   * decode, fails the start with an IOException naming the file (its log is gone: starting empty would be silent loss).
   */
  private void load(SingleFileSnapshotInfo snapshot, String how) throws IOException {
    if (snapshot == null) return;
    Path file = snapshot.getFile().getPath();
    byte[] bytes = SnapshotFile.read(file);
    lock.writeLock().lock();
    try {
      SnapshotCodec.decodeInto(bytes, state);
      setLastAppliedTermIndex(snapshot.getTermIndex());
    } catch (RuntimeException e) {
      throw new IOException("snapshot " + file + " cannot be loaded: " + e.getMessage(), e);
    } finally {
      lock.writeLock().unlock();
    }
    signalMoved();
    LOG.info("{}: {} {} ({} bytes)", getId(), how, snapshot.getTermIndex(), bytes.length);
  }

  @Override
  public synchronized long takeSnapshot() throws IOException {
    if (snapshotWritten != null) {
      // Ratis asks again after every applied batch until it hears of a snapshot: answer at once while one is written
      if (!snapshotWritten.isDone()) return RaftLog.INVALID_LOG_INDEX;
      return reportWritten();
    }
    // copied here, on Ratis's apply thread, so no entry applies meanwhile (references to immutable records: quick);
    // encoded, written and fsynced on another thread while entries apply; Ratis hears of it (and purges the log up to
    // it) only once it is durable
    long started = System.nanoTime();
    SnapshotCodec.Contents contents;
    TermIndex last;
    lock.readLock().lock();
    try {
      contents = SnapshotCodec.Contents.of(state);
      last = getLastAppliedTermIndex();
    } finally {
      lock.readLock().unlock();
    }
    long copiedNanos = System.nanoTime() - started;
    snapshotWritten = CompletableFuture.supplyAsync(() -> {
      long encoding = System.nanoTime();
      byte[] bytes = SnapshotCodec.encode(contents);
      long writing = System.nanoTime();
      File target = storage.getSnapshotFile(last.getTerm(), last.getIndex());
      try {
        MD5Hash md5 = SnapshotFile.write(target, bytes);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target.toPath(), md5), last));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LOG.info("{}: snapshot at {}: copied in {} ms on the apply thread; {} bytes encoded in {} ms and written in {} ms beside it", getId(), last,
          copiedNanos / 1_000_000, bytes.length, (writing - encoding) / 1_000_000, (System.nanoTime() - writing) / 1_000_000);
      return last.getIndex();
    }, snapshotWriter);
    return snapshotWritten.isDone() ? reportWritten() : RaftLog.INVALID_LOG_INDEX;
  }

  /** The index of the snapshot just written, for Ratis; a failed write as the IOException Ratis logs (it asks again later). */
  private long reportWritten() throws IOException {
    CompletableFuture<Long> written = snapshotWritten;
    snapshotWritten = null;
    try {
      return written.join();
    } catch (CompletionException e) {
      throw new IOException("snapshot not written: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Lets a snapshot being written finish (at most 30 s) before the server goes. */
  @Override
  public void close() throws IOException {
    CompletableFuture<Long> written;
    synchronized (this) {
      written = snapshotWritten;
    }
    if (written != null) {
      try {
        written.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("{}: the snapshot being written when closing did not complete: {}", getId(), e.toString());
      }
    }
    if (ownWriter != null) ownWriter.shutdown();
    super.close();
  }

  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    try {
      CommandCodec.decodeEntry(request.getMessage().getContent().toByteArray()); // refuse garbage before it reaches the log
    } catch (IllegalStateException e) {
      trx.setException(e);
    }
    return trx;
  }

  /**
   * Applies one entry: a command, or a batch of them in order at the entry's index and term (each exactly as it would
   * apply alone); the reply is one result, or one per command of the batch in its order. Below the batch feature level a
   * batch applies as nothing, as it does on a replica that does not know batches.
   */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    CommandCodec.Entry decoded = CommandCodec.decodeEntry(entry.getStateMachineLogEntry().getLogData().toByteArray());
    List<CommandResult> results = new ArrayList<>(decoded.commands().size());
    lock.writeLock().lock();
    try {
      var refused = decoded.batch() ? FeatureLevels.batchRefusal(state.featureLevel()) : java.util.Optional.<CommandResult.Rejected>empty();
      for (CommandCodec.Stamped stamped : decoded.commands()) {
        results.add(refused.isPresent() ? refused.get()
            : state.apply(entry.getIndex(), entry.getTerm(), stamped.timeMillis(), stamped.decidedInTerm(), stamped.validUntilMillis(), stamped.requestId(), stamped.command()));
      }
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    } finally {
      lock.writeLock().unlock();
    }
    signalMoved();
    byte[] reply = decoded.batch() ? CommandCodec.encodeResults(results) : CommandCodec.encode(results.get(0));
    return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
  }

  /** Reads are served from {@link #read} after a linearizable read barrier: the query itself carries nothing. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.EMPTY);
  }
}
