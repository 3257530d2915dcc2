package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Group commit against a fake log that answers each command with its position in the log: every caller must get the
 * result of its own command, the log must hold the commands in the order they were proposed, and an idle proposer
 * must send at once.
 */
class GroupCommitTest {
  /** The entries sent, not yet answered; answering one applies its commands to {@link #log}. */
  private final List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
  private final List<byte[]> sent = new ArrayList<>();
  private final List<String> log = new ArrayList<>();

  private CompletableFuture<byte[]> send(byte[] entry) {
    sent.add(entry);
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    inFlight.add(reply);
    return reply;
  }

  /** Commits the oldest entry in flight: applies its commands in order, each result the command's log position. */
  private void commitOldest() {
    int at = sent.size() - inFlight.size();
    CommandCodec.Entry entry = CommandCodec.decodeEntry(sent.get(at));
    List<CommandResult> results = new ArrayList<>();
    for (CommandCodec.Stamped s : entry.commands()) {
      log.add(((Command.DeleteApplication) s.command()).application());
      results.add(CommandResult.changed(log.size()));
    }
    inFlight.remove(0).complete(entry.batch() ? CommandCodec.encodeResults(results) : CommandCodec.encode(results.get(0)));
  }

  private static byte[] command(String application) {
    return CommandCodec.encode(1, new Command.DeleteApplication(application, ""));
  }

  @Test
  void anIdleProposerSendsAtOnceAndAlone() {
    GroupCommit commit = new GroupCommit(this::send, 2, 1 << 20);
    CompletableFuture<CommandResult> result = commit.propose(command("a"));

    assertThat(sent).hasSize(1);
    assertThat(CommandCodec.decodeEntry(sent.get(0)).batch()).isFalse();
    commitOldest();
    assertThat(result).isCompletedWithValue(CommandResult.changed(1));
  }

  @Test
  void whatQueuesWhileEntriesAreInFlightGoesNextAsOneBatch() {
    GroupCommit commit = new GroupCommit(this::send, 1, 1 << 20);
    CompletableFuture<CommandResult> a = commit.propose(command("a"));
    CompletableFuture<CommandResult> b = commit.propose(command("b"));
    CompletableFuture<CommandResult> c = commit.propose(command("c"));
    assertThat(sent).as("one in flight; b and c wait for it").hasSize(1);

    commitOldest();
    assertThat(sent).hasSize(2);
    assertThat(CommandCodec.decodeEntry(sent.get(1)).commands()).hasSize(2);
    commitOldest();

    assertThat(log).containsExactly("a", "b", "c");
    assertThat(List.of(a.join(), b.join(), c.join())).containsExactly(CommandResult.changed(1), CommandResult.changed(2), CommandResult.changed(3));
  }

  @Test
  void aBatchStopsGrowingAtItsByteBoundButABigCommandStillGoesAlone() {
    int one = command("a").length;
    GroupCommit commit = new GroupCommit(this::send, 1, 2 * (one + 6));
    commit.propose(command("a"));
    for (String app : List.of("b", "c", "d", "e", "f")) commit.propose(command(app));
    CompletableFuture<CommandResult> big = commit.propose(command("g".repeat(4 * one)));
    while (!inFlight.isEmpty()) commitOldest();

    assertThat(sent.stream().map(e -> CommandCodec.decodeEntry(e).commands().size()).toList()).containsExactly(1, 2, 2, 1, 1);
    assertThat(log).containsExactly("a", "b", "c", "d", "e", "f", "g".repeat(4 * one));
    assertThat(big.join()).isEqualTo(CommandResult.changed(7));
  }

  @Test
  void anEntryThatFailsFailsEveryCallerInItAndTheQueueGoesOn() {
    GroupCommit commit = new GroupCommit(this::send, 1, 1 << 20);
    commit.propose(command("a"));
    CompletableFuture<CommandResult> b = commit.propose(command("b"));
    CompletableFuture<CommandResult> c = commit.propose(command("c"));
    commitOldest();
    commit.propose(command("d")); // queued behind the batch of b and c

    inFlight.remove(0).completeExceptionally(new IOException("not committed"));

    assertThat(b).isCompletedExceptionally();
    assertThat(c).isCompletedExceptionally();
    assertThat(sent).hasSize(3);
    commitOldest();
    assertThat(log).containsExactly("a", "d");
  }

  /** Any interleaving of proposals and commits, any in-flight bound: results match their callers, order is kept. */
  @Property(tries = 300)
  void everyCallerGetsItsOwnResultInProposalOrder(@ForAll @Size(max = 60) List<Boolean> proposeOrCommit, @ForAll @IntRange(min = 1, max = 4) int maxInFlight) {
    inFlight.clear();
    sent.clear();
    log.clear();
    GroupCommit commit = new GroupCommit(this::send, maxInFlight, 1 << 20);
    List<String> proposed = new ArrayList<>();
    List<CompletableFuture<CommandResult>> results = new ArrayList<>();
    for (boolean propose : proposeOrCommit) {
      if (propose || inFlight.isEmpty()) {
        String app = "app-" + proposed.size();
        proposed.add(app);
        results.add(commit.propose(command(app)));
      } else {
        commitOldest();
      }
      assertThat(inFlight.size()).isLessThanOrEqualTo(maxInFlight);
    }
    while (!inFlight.isEmpty()) commitOldest();

    assertThat(log).isEqualTo(proposed);
    for (int i = 0; i < results.size(); i++) assertThat(results.get(i)).isCompletedWithValue(CommandResult.changed(i + 1));
  }
}
