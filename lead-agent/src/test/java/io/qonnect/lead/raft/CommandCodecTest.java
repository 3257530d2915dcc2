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
    Command.CommitPlacement c = new Command.CommitPlacement("shop", 2, 1, null, "", "no cluster", trigger, "why");
    assertThat(CommandCodec.decode(CommandCodec.encode(1, c)).command()).isEqualTo(c);
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
