package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.server.storage.RaftStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch entries (group commit) through the codec and the state machine: in order, one result each, gated by the feature level. */
class BatchEntryTest {
  @TempDir Path dir;
  private StateMachineFixture fixture;

  @AfterEach
  void close() throws IOException {
    if (fixture != null) fixture.close();
  }

  private ControlPlaneStateMachine started() throws IOException {
    fixture = new StateMachineFixture(dir);
    return fixture.started(RaftStorage.StartupOption.FORMAT);
  }

  private static byte[] register(String name, long time) {
    return CommandCodec.encode(time, new Command.RegisterCluster(ClusterId.of(name), Tier.EDGE, "eu", ""));
  }

  @Test
  void aBatchDecodesToItsCommandsWithTheirOwnStamps() {
    byte[] first = CommandCodec.encode(10, 3, 99, new Command.DeleteApplication("a", "alice"));
    byte[] second = register("edge-1", 11);

    CommandCodec.Entry entry = CommandCodec.decodeEntry(CommandCodec.encodeBatch(List.of(first, second)));

    assertThat(entry.batch()).isTrue();
    assertThat(entry.commands()).containsExactly(CommandCodec.decode(first), CommandCodec.decode(second));
    assertThat(CommandCodec.decodeEntry(first).batch()).isFalse();
  }

  @Test
  void aBatchInsideABatchOrAnEmptyOneIsACorruptEntry() {
    byte[] inner = CommandCodec.encodeBatch(List.of(register("edge-1", 1), register("edge-2", 1)));
    assertThatThrownBy(() -> CommandCodec.decodeEntry(CommandCodec.encodeBatch(List.of(inner, register("edge-3", 1)))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a batch");
    assertThatThrownBy(() -> CommandCodec.decodeEntry(CommandCodec.encodeBatch(List.of())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty batch");
    assertThatThrownBy(() -> CommandCodec.decode(CommandCodec.encodeBatch(List.of(register("edge-1", 1), register("edge-2", 1)))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void belowTheBatchLevelABatchAppliesAsNothingAsOnAReplicaThatDoesNotKnowBatches() throws IOException {
    ControlPlaneStateMachine sm = started();
    StateMachineFixture.apply(sm, 1, CommandCodec.encode(1, new Command.SetFeatureLevel(FeatureLevels.BATCHED_ENTRIES - 1)));
    String before = sm.stateHash();

    List<CommandResult> results = CommandCodec.decodeResults(
        StateMachineFixture.apply(sm, 2, CommandCodec.encodeBatch(List.of(register("edge-1", 2), register("edge-2", 2)))));

    assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(CommandResult.Rejected.class,
        rejected -> assertThat(rejected.kind()).isEqualTo(CommandResult.Rejection.UNSUPPORTED)));
    assertThat(sm.stateHash()).isEqualTo(before);
    assertThat(sm.getLastAppliedTermIndex().getIndex()).isEqualTo(2);
  }

  @Test
  void atTheBatchLevelEveryCommandAppliesInOrderWithItsOwnResult() throws IOException {
    ControlPlaneStateMachine sm = started();
    StateMachineFixture.apply(sm, 1, CommandCodec.encode(1, new Command.SetFeatureLevel(FeatureLevels.BATCHED_ENTRIES)));

    // the second registers a name the first just took with another UID: its result must be the rejection, not the first's
    byte[] first = CommandCodec.encode(2, new Command.RegisterCluster(ClusterId.of("edge-1"), Tier.EDGE, "eu", "", "uid-a"));
    byte[] second = CommandCodec.encode(2, new Command.RegisterCluster(ClusterId.of("edge-1"), Tier.EDGE, "eu", "", "uid-b"));
    byte[] third = register("edge-2", 2);
    List<CommandResult> results = CommandCodec.decodeResults(StateMachineFixture.apply(sm, 2, CommandCodec.encodeBatch(List.of(first, second, third))));

    assertThat(results).hasSize(3);
    assertThat(results.get(0)).isInstanceOf(CommandResult.Accepted.class);
    assertThat(results.get(1)).isInstanceOf(CommandResult.Rejected.class);
    assertThat(results.get(2)).isInstanceOf(CommandResult.Accepted.class);
    assertThat(sm.<Integer>read(s -> s.clusters().size())).isEqualTo(2);

    // the same commands one entry each reach the same state
    try (StateMachineFixture other = new StateMachineFixture(dir.resolve("one-by-one"))) {
      ControlPlaneStateMachine oneByOne = other.started(RaftStorage.StartupOption.FORMAT);
      StateMachineFixture.apply(oneByOne, 1, CommandCodec.encode(1, new Command.SetFeatureLevel(FeatureLevels.BATCHED_ENTRIES)));
      assertThat(List.of(first, second, third).stream().map(c -> CommandCodec.decodeResult(StateMachineFixture.apply(oneByOne, 2, c))).toList())
          .isEqualTo(results);
      assertThat(oneByOne.stateHash()).isEqualTo(sm.stateHash());
    }
  }
}
