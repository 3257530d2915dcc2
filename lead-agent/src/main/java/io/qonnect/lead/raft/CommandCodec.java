package io.qonnect.lead.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.raft.CommitPlacement;
import io.qonnect.proto.v1.raft.CompleteMigration;
import io.qonnect.proto.v1.raft.DeleteApplication;
import io.qonnect.proto.v1.raft.RegisterCluster;
import io.qonnect.proto.v1.raft.SetClusterHealth;
import io.qonnect.proto.v1.raft.SubmitApplication;

/**
 * Log entries and results to and from bytes. Our protobuf and Ratis's shaded one meet only in this package:
 * callers hand over and receive plain byte arrays.
 */
public final class CommandCodec {
  private CommandCodec() {}

  /** A command with the proposer's time, as stored in the log. */
  public record Stamped(long timeMillis, Command command) {}

  public static byte[] encode(long timeMillis, Command command) {
    var b = io.qonnect.proto.v1.raft.Command.newBuilder().setProposedUnixMillis(timeMillis);
    switch (command) {
      case Command.SubmitApplication c -> b.setSubmitApplication(SubmitApplication.newBuilder()
          .setApplication(c.application()).setSpecYaml(c.specYaml()).setExpectedRevision(c.expectedRevision()));
      case Command.DeleteApplication c -> b.setDeleteApplication(DeleteApplication.newBuilder().setApplication(c.application()));
      case Command.CommitPlacement c -> {
        var p = CommitPlacement.newBuilder().setApplication(c.application())
            .setBasedOnSpecRevision(c.basedOnSpecRevision()).setBasedOnClusterSetRevision(c.basedOnClusterSetRevision())
            .setExplanation(c.explanation()).setDiagnosis(c.diagnosis()).setReason(c.reason());
        if (c.placement() != null) p.setPlacement(ProtoMapper.toProto(c.placement()));
        b.setCommitPlacement(p);
      }
      case Command.RegisterCluster c -> b.setRegisterCluster(RegisterCluster.newBuilder().setCluster(c.cluster().value())
          .setTier(ProtoMapper.toProto(c.tier())).setRegion(c.region()).setAgentAddress(c.agentAddress()));
      case Command.SetClusterHealth c -> b.setSetClusterHealth(SetClusterHealth.newBuilder().setCluster(c.cluster().value())
          .setHealth(ProtoMapper.toProto(c.health())).setReason(c.reason()).setBasedOnClusterSetRevision(c.basedOnClusterSetRevision()));
      case Command.CompleteMigration c -> b.setCompleteMigration(CompleteMigration.newBuilder().setApplication(c.application())
          .setPlacementEpoch(c.placementEpoch()));
    }
    return b.build().toByteArray();
  }

  /**
   * Decodes a log entry. Throws {@link IllegalStateException} for bytes that are not a command this version
   * understands: applying something else would make replicas diverge, so that is genuinely fatal.
   */
  public static Stamped decode(byte[] bytes) {
    io.qonnect.proto.v1.raft.Command p;
    try {
      p = io.qonnect.proto.v1.raft.Command.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt log entry", e);
    }
    Command command = switch (p.getBodyCase()) {
      case SUBMIT_APPLICATION -> new Command.SubmitApplication(p.getSubmitApplication().getApplication(),
          p.getSubmitApplication().getSpecYaml(), p.getSubmitApplication().getExpectedRevision());
      case DELETE_APPLICATION -> new Command.DeleteApplication(p.getDeleteApplication().getApplication());
      case COMMIT_PLACEMENT -> {
        CommitPlacement c = p.getCommitPlacement();
        yield new Command.CommitPlacement(c.getApplication(), c.getBasedOnSpecRevision(), c.getBasedOnClusterSetRevision(),
            ProtoMapper.fromProto(c.getPlacement()), c.getExplanation(), c.getDiagnosis(), c.getReason());
      }
      case REGISTER_CLUSTER -> {
        RegisterCluster c = p.getRegisterCluster();
        yield new Command.RegisterCluster(ClusterId.of(c.getCluster()), ProtoMapper.fromProto(c.getTier()), c.getRegion(), c.getAgentAddress());
      }
      case SET_CLUSTER_HEALTH -> {
        SetClusterHealth c = p.getSetClusterHealth();
        yield new Command.SetClusterHealth(ClusterId.of(c.getCluster()), ProtoMapper.fromProto(c.getHealth()), c.getReason(),
            c.getBasedOnClusterSetRevision());
      }
      case COMPLETE_MIGRATION -> new Command.CompleteMigration(p.getCompleteMigration().getApplication(),
          p.getCompleteMigration().getPlacementEpoch());
      case BODY_NOT_SET -> throw new IllegalStateException("log entry without a command (written by a newer version?)");
    };
    return new Stamped(p.getProposedUnixMillis(), command);
  }

  public static byte[] encode(CommandResult result) {
    var b = io.qonnect.proto.v1.raft.CommandResult.newBuilder();
    switch (result) {
      case CommandResult.Accepted a -> b.setAccepted(true).setRevision(a.revision()).setRejection(a.changed() ? "" : "unchanged");
      case CommandResult.Rejected r -> b.setAccepted(false).setRejection(r.reason());
    }
    return b.build().toByteArray();
  }

  public static CommandResult decodeResult(byte[] bytes) {
    try {
      var p = io.qonnect.proto.v1.raft.CommandResult.parseFrom(bytes);
      if (!p.getAccepted()) return CommandResult.rejected(p.getRejection());
      return p.getRejection().isEmpty() ? CommandResult.changed(p.getRevision()) : CommandResult.unchanged(p.getRevision());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt command result", e);
    }
  }
}
