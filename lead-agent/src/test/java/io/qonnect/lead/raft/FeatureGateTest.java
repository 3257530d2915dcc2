package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.FeatureLevels;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The log's version gate: old replicas survive new entries, and new commands wait for every peer. */
class FeatureGateTest {
  /** An entry as a newer version writes it: a command kind (oneof field 99) this codec has never heard of. */
  static byte[] entryOfANewerVersion() {
    return io.qonnect.proto.v1.raft.Command.newBuilder().setProposedUnixMillis(5)
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("\u0008\u0001")).build())
            .build())
        .build().toByteArray();
  }

  @Test
  void anEntryOfAnUnknownCommandKindDecodesAndAppliesAsNothingInsteadOfCrashing() {
    CommandCodec.Stamped stamped = CommandCodec.decode(entryOfANewerVersion());
    assertThat(stamped.command()).isInstanceOf(Command.Unsupported.class);
    assertThat(((Command.Unsupported) stamped.command()).what()).contains("99");

    ControlPlaneState state = new ControlPlaneState();
    state.apply(1, 1, new Command.RegisterCluster(io.qonnect.placement.snapshot.ClusterId.of("cloud-1"), io.qonnect.placement.spec.Tier.CLOUD, "eu", ""));
    var clusters = state.clusters();
    var events = state.events();
    CommandResult result = state.apply(2, stamped.timeMillis(), stamped.command());
    assertThat(result).isInstanceOf(CommandResult.Rejected.class);
    assertThat(((CommandResult.Rejected) result).kind()).isEqualTo(CommandResult.Rejection.UNSUPPORTED);
    assertThat(state.lastAppliedIndex()).isEqualTo(2);
    assertThat(state.revision()).as("nothing changed but the applied index").isEqualTo(1);
    assertThat(state.clusters()).isEqualTo(clusters);
    assertThat(state.events()).isEqualTo(events);
  }

  @Test
  void theNewCommandRoundTripsThroughTheCodecOfThisVersion() {
    byte[] bytes = CommandCodec.encode(7, new Command.SetFeatureLevel(2));
    assertThat(CommandCodec.decode(bytes).command()).isEqualTo(new Command.SetFeatureLevel(2));
  }

  @Test
  void theLevelRisesOnlyWhenEveryPeerKnowsIt() {
    assertThat(FeatureLevels.next(1, List.of(2, 2), 3)).as("a peer did not answer").isEmpty();
    assertThat(FeatureLevels.next(1, List.of(2, 1, 2), 3)).as("a peer of the previous release").isEmpty();
    assertThat(FeatureLevels.next(1, List.of(2, 2, 2), 3)).isEqualTo(OptionalInt.of(2));
    assertThat(FeatureLevels.next(2, List.of(2, 2, 2), 3)).as("already there").isEmpty();
    assertThat(FeatureLevels.next(1, List.of(FeatureLevels.SUPPORTED + 2, FeatureLevels.SUPPORTED + 1, FeatureLevels.SUPPORTED + 1), 3)).as("never above what this version knows").isEqualTo(OptionalInt.of(FeatureLevels.SUPPORTED));
  }

  @Test
  void commandsAboveTheCommittedLevelAreRefusedAndTheLevelIsRaisedByTheLog() {
    ControlPlaneState state = new ControlPlaneState();
    assertThat(state.featureLevel()).as("a log from before the gate").isEqualTo(FeatureLevels.BASELINE);
    assertThat(state.apply(1, 1, new Command.SetFeatureLevel(2))).isEqualTo(CommandResult.changed(1));
    assertThat(state.featureLevel()).isEqualTo(2);
    assertThat(state.apply(2, 2, new Command.SetFeatureLevel(2))).isEqualTo(CommandResult.unchanged(1));
    assertThat(state.apply(3, 3, new Command.SetFeatureLevel(FeatureLevels.SUPPORTED + 1))).isInstanceOf(CommandResult.Rejected.class);
    assertThat(state.events()).extracting(e -> e.kind()).containsExactly(io.qonnect.lead.state.EventKind.FEATURE_LEVEL_RAISED);
  }

  @Test
  void theCommittedLevelSurvivesASnapshot() {
    ControlPlaneState state = new ControlPlaneState();
    state.apply(1, 1, new Command.SetFeatureLevel(2));
    ControlPlaneState restored = new ControlPlaneState();
    SnapshotCodec.decodeInto(SnapshotCodec.encode(state), restored);
    assertThat(restored.featureLevel()).isEqualTo(2);
    assertThat(SnapshotCodec.hash(restored)).isEqualTo(SnapshotCodec.hash(state));
  }

  @Test
  void aLevelTwoCommandIsRefusedUntilEveryLeadAgentKnowsIt() {
    ControlPlaneState state = new ControlPlaneState();
    state.apply(1, 1, new Command.RegisterCluster(io.qonnect.placement.snapshot.ClusterId.of("cloud-1"), io.qonnect.placement.spec.Tier.CLOUD, "eu", ""));
    Command stalled = new Command.ReportMigrationStalled("shop", 2, "web in cloud-1: 0/2 Ready");
    CommandResult early = state.apply(2, 2, stalled);
    assertThat(early).isInstanceOf(CommandResult.Rejected.class);
    assertThat(((CommandResult.Rejected) early).kind()).isEqualTo(CommandResult.Rejection.UNSUPPORTED);
    assertThat(state.events()).extracting(e -> e.kind()).doesNotContain(io.qonnect.lead.state.EventKind.MIGRATION_STALLED);
    state.apply(3, 3, new Command.SetFeatureLevel(2));
    CommandResult later = state.apply(4, 4, stalled);
    assertThat(((CommandResult.Rejected) later).kind()).as("known now; shop does not exist").isEqualTo(CommandResult.Rejection.NOT_FOUND);
    assertThat(CommandCodec.decode(CommandCodec.encode(9, stalled)).command()).isEqualTo(stalled);
  }

  @Test
  void aReadBarrierChangesNothingNamesTheRevisionItFoundAndWaitsForLevelEight() {
    ControlPlaneState state = new ControlPlaneState();
    state.apply(1, 1, new Command.SetFeatureLevel(FeatureLevels.READ_BARRIERS - 1));
    state.apply(2, 2, new Command.RegisterCluster(io.qonnect.placement.snapshot.ClusterId.of("cloud-1"), io.qonnect.placement.spec.Tier.CLOUD, "eu", ""));
    CommandResult early = state.apply(3, 3, new Command.ReadBarrier());
    assertThat(((CommandResult.Rejected) early).kind()).isEqualTo(CommandResult.Rejection.UNSUPPORTED);
    state.apply(4, 4, new Command.SetFeatureLevel(FeatureLevels.READ_BARRIERS));
    long revision = state.revision();
    var clusters = state.clusters();
    var events = state.events();
    assertThat(state.apply(5, 5, new Command.ReadBarrier())).isEqualTo(CommandResult.unchanged(revision));
    assertThat(state.revision()).as("nothing changed but the applied index").isEqualTo(revision);
    assertThat(state.clusters()).isEqualTo(clusters);
    assertThat(state.events()).isEqualTo(events);
    assertThat(CommandCodec.decode(CommandCodec.encode(9, new Command.ReadBarrier())).command()).isEqualTo(new Command.ReadBarrier());
  }
}
