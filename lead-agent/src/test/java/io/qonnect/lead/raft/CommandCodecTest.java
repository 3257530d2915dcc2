package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.proto.v1.raft.DecisionTrigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CommandCodecTest {
  @ParameterizedTest
  @EnumSource(Command.Trigger.class)
  void everyDecisionTriggerHasItsProtoNumberAndRoundTrips(Command.Trigger trigger) {
    assertThat(DecisionTrigger.forNumber(trigger.ordinal()).name()).isEqualTo("DECISION_TRIGGER_" + trigger.name());
    Command.CommitPlacement c = new Command.CommitPlacement("shop", 2, 1, null, "", io.qonnect.lead.state.Diagnoses.summaryOnly("no cluster"), trigger, "why");
    assertThat(CommandCodec.decode(CommandCodec.encode(1, c)).command()).isEqualTo(c);
  }

  @Test
  void theRoomADecisionAssumedRoundTrips() {
    var room = new java.util.TreeMap<io.qonnect.placement.snapshot.ClusterId, io.qonnect.placement.spec.Resources>(java.util.Map.of(
        io.qonnect.placement.snapshot.ClusterId.of("c0"), new io.qonnect.placement.spec.Resources(1900, 4L << 30),
        io.qonnect.placement.snapshot.ClusterId.of("c1"), new io.qonnect.placement.spec.Resources(250, 1L << 29)));
    Command.CommitPlacement c = new Command.CommitPlacement("shop", 2, 1, null, "", io.qonnect.lead.state.Diagnoses.NONE, Command.Trigger.MIGRATION,
        "migration", room);
    assertThat(((Command.CommitPlacement) CommandCodec.decode(CommandCodec.encode(1, c)).command()).room()).isEqualTo(room);
  }

  @Test
  void aDiagnosisTravelsTypedAndAnEntryFromBefore04ReadsAsItsSummary() throws Exception {
    io.qonnect.proto.v1.Diagnosis typed = io.qonnect.proto.v1.Diagnosis.newBuilder().setSummary("no member cluster can take db")
        .addComponents(io.qonnect.proto.v1.ComponentDiagnosis.newBuilder().setComponent("db")
            .addRefusals(io.qonnect.proto.v1.ClusterRefusal.newBuilder().setCluster("edge-1")
                .setReason(io.qonnect.proto.v1.RefusalReason.REFUSAL_REASON_NODE_FIT).setText("one replica is larger than a node")))
        .build();
    Command.CommitPlacement c = new Command.CommitPlacement("shop", 2, 1, null, "", typed, Command.Trigger.FAILOVER, "failover");
    byte[] entry = CommandCodec.encode(1, c);
    assertThat(CommandCodec.decode(entry).command()).isEqualTo(c);
    assertThat(io.qonnect.proto.v1.raft.Command.parseFrom(entry).getCommitPlacement().getDiagnosis())
        .as("replicas before 0.4 read the headline").isEqualTo("shop: unschedulable: no member cluster can take db");

    byte[] old = io.qonnect.proto.v1.raft.Command.newBuilder().setCommitPlacement(io.qonnect.proto.v1.raft.CommitPlacement.newBuilder()
        .setApplication("shop").setBasedOnSpecRevision(2).setDiagnosis("shop: unschedulable: no member cluster can take db\n  db: no eligible member cluster"))
        .build().toByteArray();
    assertThat(((Command.CommitPlacement) CommandCodec.decode(old).command()).diagnosis())
        .isEqualTo(io.qonnect.lead.state.Diagnoses.summaryOnly("no member cluster can take db"));
  }

  @ParameterizedTest
  @EnumSource(CommandResult.Rejection.class)
  void everyRejectionKindRoundTrips(CommandResult.Rejection kind) {
    CommandResult r = CommandResult.rejected(kind, "because");
    assertThat(CommandCodec.decodeResult(CommandCodec.encode(r))).isEqualTo(r);
  }

  @Test
  void unchangedIsItsOwnFieldAndTheOldSpellingStillReads() {
    assertThat(CommandCodec.decodeResult(CommandCodec.encode(CommandResult.unchanged(7)))).isEqualTo(CommandResult.unchanged(7));
    byte[] old = io.qonnect.proto.v1.raft.CommandResult.newBuilder().setAccepted(true).setRevision(7).setRejection("unchanged").build().toByteArray();
    assertThat(CommandCodec.decodeResult(old)).as("a result from a 0.1 leader").isEqualTo(CommandResult.unchanged(7));
  }

  @ParameterizedTest
  @EnumSource(io.qonnect.lead.state.EventKind.class)
  void everyEventKindHasItsProtoNumberAndItsNameReadsBack(io.qonnect.lead.state.EventKind kind) {
    assertThat(io.qonnect.proto.v1.EventKind.forNumber(kind.ordinal()).name()).isEqualTo("EVENT_KIND_" + kind.name());
    assertThat(io.qonnect.lead.state.EventKind.fromDisplayName(kind.displayName())).isEqualTo(kind);
  }
}
