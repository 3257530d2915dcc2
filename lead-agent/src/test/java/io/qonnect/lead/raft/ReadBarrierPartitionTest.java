package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.FeatureLevels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read barrier is linearizable on a leader cut off from the others: what it lets a reader see is never older than
 * a write the majority acknowledged before the read began. Ratis 3.3's ReadIndex is not: a leader that confirmed its
 * leadership once at a commit index answers later reads at that index without asking anyone, so a cut-off leader
 * whose commit index froze goes on answering with the state the majority has since replaced (the CI run of
 * IsolatedLeaderIT that read w0-59 after w1-151 was acknowledged).
 */
class ReadBarrierPartitionTest {
  @TempDir Path dir;

  @Test
  void aLeaderCutOffFromTheOthersAnswersNoReadWithWhatTheyReplaced() throws Exception {
    // lead-0 believes it leads for seconds after the cut (long timeouts); the other two elect a leader within one
    var timeouts = List.of(new InProcessGroup.Timeouts(4_000, 5_000), new InProcessGroup.Timeouts(300, 600), new InProcessGroup.Timeouts(300, 600));
    try (InProcessGroup group = InProcessGroup.start(dir, timeouts)) {
      String old = "lead-0";
      group.makeLeader(old, 30_000);
      assertThat(commit(group.client(old), new Command.SetFeatureLevel(FeatureLevels.SUPPORTED))).isInstanceOf(CommandResult.Accepted.class);
      commit(group.client(old), SnapshotReplayTest.submit("shop", "v1", 0));
      group.client(old).readBarrier(5_000);
      group.client(old).readBarrier(5_000); // twice: the second at a commit index the leader already confirmed
      assertThat(text(group, old)).contains("v1");

      group.isolate(old);
      String leader = group.awaitLeaderOtherThan(old, 10_000).orElseThrow(() -> new AssertionError("the majority elected no leader"));
      assertThat(group.commitAt(leader, SnapshotReplayTest.submit("shop", "v2", 0))).isInstanceOf(CommandResult.Accepted.class);
      assertThat(group.leads(old)).as("precondition: the cut-off leader still believes it leads").isTrue();

      Optional<String> answered;
      try {
        group.client(old).readBarrier(1_500);
        answered = text(group, old);
      } catch (IOException noQuorum) {
        answered = Optional.empty(); // refusing to answer is linearizable
      }
      assertThat(answered).as("what the cut-off leader lets a reader see after v2 was acknowledged").isIn(Optional.empty(), Optional.of("v2"));

      group.heal();
      group.client(old).readBarrier(20_000);
      assertThat(text(group, old)).as("after the cut heals, the old leader reads the new state").contains("v2");
    }
  }

  @Test
  void aFollowerCutOffFromTheLeaderAnswersNoReadWithWhatItHasNotApplied() throws Exception {
    var fast = new InProcessGroup.Timeouts(300, 600);
    try (InProcessGroup group = InProcessGroup.start(dir, List.of(fast, fast, fast))) {
      String leader = group.awaitLeaderOtherThan("", 30_000).orElseThrow(() -> new AssertionError("no leader"));
      String follower = leader.equals("lead-0") ? "lead-1" : "lead-0";
      assertThat(group.commitAt(leader, new Command.SetFeatureLevel(FeatureLevels.SUPPORTED))).isInstanceOf(CommandResult.Accepted.class);
      assertThat(group.commitAt(leader, SnapshotReplayTest.submit("shop", "v1", 0))).isInstanceOf(CommandResult.Accepted.class);
      group.client(follower).readBarrier(5_000);
      assertThat(text(group, follower)).contains("v1");

      // the follower's Raft messages are held; its client's requests still reach the leader, so its barrier commits
      group.isolate(follower);
      assertThat(group.commitAt(leader, SnapshotReplayTest.submit("shop", "v2", 0))).isInstanceOf(CommandResult.Accepted.class);
      Optional<String> answered;
      try {
        group.client(follower).readBarrier(2_000);
        answered = text(group, follower);
      } catch (IOException notApplied) {
        answered = Optional.empty();
      }
      assertThat(answered).as("what the cut-off follower lets a reader see after v2 was acknowledged").isIn(Optional.empty(), Optional.of("v2"));

      group.heal();
      group.client(follower).readBarrier(20_000);
      assertThat(text(group, follower)).contains("v2");
    }
  }

  private static CommandResult commit(ControlPlaneClient client, Command command) throws Exception {
    return client.propose(command, 0).get(20, TimeUnit.SECONDS);
  }

  private static Optional<String> text(InProcessGroup group, String id) {
    return group.stateMachine(id).read(s -> s.application("shop").map(a -> a.spec().getLabels(0).getValue()));
  }
}
