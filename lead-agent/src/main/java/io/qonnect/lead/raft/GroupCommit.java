package io.qonnect.lead.raft;

import io.qonnect.lead.state.CommandResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Group commit without a timer. A proposal made while fewer than {@code maxInFlight} entries are in flight is sent at
 * once, as an entry of its own: an idle system adds no delay. Proposals made while that many are in flight queue; when
 * one completes, everything queued (up to {@code maxEntryBytes}) goes next as one batch entry. Every caller gets its own
 * command's result, and commands are applied in the order they were proposed here. Holds no clock and no thread: the
 * completions of the entries it sent drive it.
 */
final class GroupCommit {
  /** What a command costs in a batch beyond its bytes (the field's tag and length). */
  private static final int FRAMING_BYTES = 6;

  private record Pending(byte[] command, CompletableFuture<CommandResult> result) {}

  private final Function<byte[], CompletableFuture<byte[]>> send;
  private final int maxInFlight;
  private final int maxEntryBytes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param send proposes one log entry's bytes and completes with the reply's bytes (a result, or a batch's results),
   *     or exceptionally when the entry was not committed
   * @param maxEntryBytes a batch stops growing at this size; a single command bigger than it still goes, alone
   */
  GroupCommit(Function<byte[], CompletableFuture<byte[]>> send, int maxInFlight, int maxEntryBytes) {
    if (maxInFlight < 1 || maxEntryBytes < 1) throw new IllegalArgumentException("maxInFlight and maxEntryBytes must be positive");
    this.send = send;
    this.maxInFlight = maxInFlight;
    this.maxEntryBytes = maxEntryBytes;
  }

  /** Proposes one encoded command (as {@link CommandCodec#encode} made it). */
  CompletableFuture<CommandResult> propose(byte[] command) {
    Pending pending = new Pending(command, new CompletableFuture<>());
    List<Pending> next;
    synchronized (this) {
      queue.add(pending);
      next = takeIfRoom();
    }
    if (next != null) send(next);
    return pending.result();
  }

  /** The next entry's commands, if an entry may be sent now: counted as in flight from here. */
  private List<Pending> takeIfRoom() {
    if (inFlight >= maxInFlight || queue.isEmpty()) return null;
    List<Pending> entry = new ArrayList<>();
    long bytes = 0;
    while (!queue.isEmpty() && (entry.isEmpty() || bytes + queue.peek().command().length + FRAMING_BYTES <= maxEntryBytes)) {
      Pending p = queue.poll();
      entry.add(p);
      bytes += p.command().length + FRAMING_BYTES;
    }
    inFlight++;
    return entry;
  }

  private void send(List<Pending> entry) {
    boolean batch = entry.size() > 1;
    CompletableFuture<byte[]> reply;
    try {
      reply = send.apply(batch ? CommandCodec.encodeBatch(entry.stream().map(Pending::command).toList()) : entry.get(0).command());
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((bytes, failure) -> {
      List<Pending> next;
      synchronized (this) {
        inFlight--;
        next = takeIfRoom();
      }
      if (next != null) send(next); // the queued ones first: their callers have waited longest
      complete(entry, batch, bytes, failure);
    });
  }

  private static void complete(List<Pending> entry, boolean batch, byte[] reply, Throwable failure) {
    List<CommandResult> results = null;
    if (failure == null) {
      try {
        results = batch ? CommandCodec.decodeResults(reply) : List.of(CommandCodec.decodeResult(reply));
        if (results.size() != entry.size()) {
          failure = new IllegalStateException(entry.size() + " commands in the entry, " + results.size() + " results in its reply");
        }
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    for (int i = 0; i < entry.size(); i++) {
      if (failure != null) entry.get(i).result().completeExceptionally(failure);
      else entry.get(i).result().complete(results.get(i));
    }
  }
}
