package io.qonnect.lead.raft;

import io.qonnect.lead.state.Diagnoses;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.raft.CommitPlacement;
import io.qonnect.proto.v1.raft.CompleteMigration;
import io.qonnect.proto.v1.raft.DeleteApplication;
import io.qonnect.proto.v1.raft.RegisterCluster;
import io.qonnect.proto.v1.RejectionKind;
import io.qonnect.proto.v1.raft.SetClusterHealth;
import io.qonnect.proto.v1.raft.SubmitApplication;

/**
 * Log entries and results to and from bytes. Our protobuf and Ratis's shaded one meet only in this package:
 * callers hand over and receive plain byte arrays.
 */
public final class CommandCodec {
  private CommandCodec() {}

  /**
   * A command with the proposer's time, the term it was decided in (0: intent, not a decision), the time after
   * which its caller no longer waits (0: none) and the request it belongs to ("": none), as stored in the log.
   */
  public record Stamped(long timeMillis, long decidedInTerm, long validUntilMillis, String requestId, Command command) {
    public Stamped(long timeMillis, long decidedInTerm, Command command) {
      this(timeMillis, decidedInTerm, 0, "", command);
    }
  }

  public static byte[] encode(long timeMillis, Command command) {
    return encode(timeMillis, 0, command);
  }

  public static byte[] encode(long timeMillis, long decidedInTerm, Command command) {
    return encode(timeMillis, decidedInTerm, 0, command);
  }

  public static byte[] encode(long timeMillis, long decidedInTerm, long validUntilMillis, Command command) {
    return encode(timeMillis, decidedInTerm, validUntilMillis, "", command);
  }

  public static byte[] encode(long timeMillis, long decidedInTerm, long validUntilMillis, String requestId, Command command) {
    var b = io.qonnect.proto.v1.raft.Command.newBuilder().setProposedUnixMillis(timeMillis).setDecidedInTerm(decidedInTerm)
        .setValidUntilUnixMillis(validUntilMillis).setRequestId(requestId);
    switch (command) {
      case Command.SubmitApplication c -> b.setSubmitApplication(SubmitApplication.newBuilder()
          .setApplication(c.application()).setSpecYaml(c.specYaml()).setSpec(c.spec()).setExpectedRevision(c.expectedRevision()).setActor(c.actor()));
      case Command.DeleteApplication c -> b.setDeleteApplication(DeleteApplication.newBuilder().setApplication(c.application()).setActor(c.actor()));
      case Command.CommitPlacement c -> {
        var p = CommitPlacement.newBuilder().setApplication(c.application())
            .setBasedOnSpecRevision(c.basedOnSpecRevision()).setBasedOnClusterSetRevision(c.basedOnClusterSetRevision())
            .setExplanation(c.explanation()).setDiagnosis(Diagnoses.headline(c.application(), c.diagnosis())).setReason(c.reason())
            .setTrigger(io.qonnect.proto.v1.raft.DecisionTrigger.forNumber(c.trigger().ordinal()));
        if (c.placement() != null) p.setPlacement(ProtoMapper.toProto(c.placement()));
        if (!Diagnoses.NONE.equals(c.diagnosis())) p.setDiagnosisDetail(c.diagnosis());
        c.room().forEach((cluster, room) -> p.addRoom(io.qonnect.proto.v1.raft.ClusterRoom.newBuilder().setCluster(cluster.value())
            .setRoom(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(room.cpuMillis()).setMemoryBytes(room.memoryBytes()))));
        b.setCommitPlacement(p);
      }
      case Command.RegisterCluster c -> b.setRegisterCluster(RegisterCluster.newBuilder().setCluster(c.cluster().value())
          .setTier(ProtoMapper.toProto(c.tier())).setRegion(c.region()).setAgentAddress(c.agentAddress()).setClusterUid(c.clusterUid()));
      case Command.SetClusterHealth c -> b.setSetClusterHealth(SetClusterHealth.newBuilder().setCluster(c.cluster().value())
          .setHealth(ProtoMapper.toProto(c.health())).setReason(c.reason()).setBasedOnClusterSetRevision(c.basedOnClusterSetRevision()));
      case Command.CompleteMigration c -> b.setCompleteMigration(CompleteMigration.newBuilder().setApplication(c.application())
          .setPlacementEpoch(c.placementEpoch()));
      case Command.SetClusterHealths c -> {
        var h = io.qonnect.proto.v1.raft.SetClusterHealths.newBuilder().setBasedOnClusterSetRevision(c.basedOnClusterSetRevision());
        c.verdicts().forEach(v -> h.addVerdicts(SetClusterHealth.newBuilder().setCluster(v.cluster().value())
            .setHealth(ProtoMapper.toProto(v.health())).setReason(v.reason())));
        b.setSetClusterHealths(h);
      }
      case Command.SetFeatureLevel c -> b.setSetFeatureLevel(io.qonnect.proto.v1.raft.SetFeatureLevel.newBuilder().setLevel(c.level()));
      case Command.ReportMigrationStalled c -> b.setReportMigrationStalled(io.qonnect.proto.v1.raft.ReportMigrationStalled.newBuilder()
          .setApplication(c.application()).setPlacementEpoch(c.placementEpoch()).setDetail(c.detail()));
      case Command.ReadBarrier c -> b.setReadBarrier(io.qonnect.proto.v1.raft.ReadBarrier.getDefaultInstance());
      case Command.Unsupported c -> throw new IllegalArgumentException("an unsupported entry is never proposed: " + c.what());
    }
    return b.build().toByteArray();
  }

  /**
   * Decodes a log entry. A well-formed entry of a command kind this version does not know (written by a newer
   * version past the feature gate) decodes as {@link Command.Unsupported}, which applies as a no-op rejection:
   * a replica never crashes on it. Only bytes that are not a command at all throw (a corrupt log).
   */
  public static Stamped decode(byte[] bytes) {
    Entry entry = decodeEntry(bytes);
    if (entry.batch()) throw new IllegalStateException("a batch entry where one command was expected");
    return entry.commands().get(0);
  }

  /** A log entry: one command, or a batch of them (group commit) applied in order at the entry's index. */
  public record Entry(List<Stamped> commands, boolean batch) {}

  /** Decodes a log entry that may be a batch; bytes that are not a command, or a batch inside a batch, throw (a corrupt log). */
  public static Entry decodeEntry(byte[] bytes) {
    io.qonnect.proto.v1.raft.Command p;
    try {
      p = io.qonnect.proto.v1.raft.Command.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt log entry", e);
    }
    if (p.getBodyCase() != io.qonnect.proto.v1.raft.Command.BodyCase.BATCH) return new Entry(List.of(stamped(p)), false);
    List<Stamped> commands = new ArrayList<>(p.getBatch().getCommandsCount());
    for (io.qonnect.proto.v1.raft.Command c : p.getBatch().getCommandsList()) {
      if (c.getBodyCase() == io.qonnect.proto.v1.raft.Command.BodyCase.BATCH) throw new IllegalStateException("corrupt log entry: a batch inside a batch");
      commands.add(stamped(c));
    }
    if (commands.isEmpty()) throw new IllegalStateException("corrupt log entry: an empty batch");
    return new Entry(List.copyOf(commands), true);
  }

  /**
   * One log entry holding already encoded commands (each as {@link #encode} made it), in order. Written on the wire
   * format directly: a repeated message field is its messages' bytes, each length-prefixed, so nothing is re-parsed.
   */
  public static byte[] encodeBatch(List<byte[]> encodedCommands) {
    try {
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(batch);
      for (byte[] command : encodedCommands) out.writeByteArray(io.qonnect.proto.v1.raft.CommandBatch.COMMANDS_FIELD_NUMBER, command);
      out.flush();
      ByteArrayOutputStream entry = new ByteArrayOutputStream(batch.size() + 8);
      CodedOutputStream wrapper = CodedOutputStream.newInstance(entry);
      wrapper.writeByteArray(io.qonnect.proto.v1.raft.Command.BATCH_FIELD_NUMBER, batch.toByteArray());
      wrapper.flush();
      return entry.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // writing to memory
    }
  }

  public static byte[] encodeResults(List<CommandResult> results) {
    var b = io.qonnect.proto.v1.raft.CommandResults.newBuilder();
    for (CommandResult r : results) b.addResults(resultProto(r));
    return b.build().toByteArray();
  }

  public static List<CommandResult> decodeResults(byte[] bytes) {
    try {
      return io.qonnect.proto.v1.raft.CommandResults.parseFrom(bytes).getResultsList().stream().map(CommandCodec::fromProto).toList();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt command results", e);
    }
  }

  private static Stamped stamped(io.qonnect.proto.v1.raft.Command p) {
    Command command = switch (p.getBodyCase()) {
      case SUBMIT_APPLICATION -> {
        SubmitApplication c = p.getSubmitApplication();
        yield new Command.SubmitApplication(c.getApplication(), c.getSpecYaml(),
            c.hasSpec() ? c.getSpec() : SpecCodec.fromLegacyYaml(c.getSpecYaml()), c.getExpectedRevision(), c.getActor());
      }
      case DELETE_APPLICATION -> new Command.DeleteApplication(p.getDeleteApplication().getApplication(), p.getDeleteApplication().getActor());
      case COMMIT_PLACEMENT -> {
        CommitPlacement c = p.getCommitPlacement();
        yield new Command.CommitPlacement(c.getApplication(), c.getBasedOnSpecRevision(), c.getBasedOnClusterSetRevision(),
            ProtoMapper.fromProto(c.getPlacement()), c.getExplanation(),
            Diagnoses.read(c.getApplication(), c.getDiagnosis(), c.hasDiagnosisDetail(), c.getDiagnosisDetail()), trigger(c.getTriggerValue()), c.getReason(),
            room(c.getRoomList()));
      }
      case REGISTER_CLUSTER -> {
        RegisterCluster c = p.getRegisterCluster();
        yield new Command.RegisterCluster(ClusterId.of(c.getCluster()), ProtoMapper.fromProto(c.getTier()), c.getRegion(), c.getAgentAddress(),
            c.getClusterUid());
      }
      case SET_CLUSTER_HEALTH -> {
        SetClusterHealth c = p.getSetClusterHealth();
        yield new Command.SetClusterHealth(ClusterId.of(c.getCluster()), ProtoMapper.fromProto(c.getHealth()), c.getReason(),
            c.getBasedOnClusterSetRevision());
      }
      case COMPLETE_MIGRATION -> new Command.CompleteMigration(p.getCompleteMigration().getApplication(),
          p.getCompleteMigration().getPlacementEpoch());
      case SET_FEATURE_LEVEL -> new Command.SetFeatureLevel(p.getSetFeatureLevel().getLevel());
      case READ_BARRIER -> new Command.ReadBarrier();
      case SET_CLUSTER_HEALTHS -> new Command.SetClusterHealths(p.getSetClusterHealths().getVerdictsList().stream()
          .map(v -> new Command.SetClusterHealth(ClusterId.of(v.getCluster()), ProtoMapper.fromProto(v.getHealth()), v.getReason(), 0)).toList(),
          p.getSetClusterHealths().getBasedOnClusterSetRevision());
      case REPORT_MIGRATION_STALLED -> new Command.ReportMigrationStalled(p.getReportMigrationStalled().getApplication(),
          p.getReportMigrationStalled().getPlacementEpoch(), p.getReportMigrationStalled().getDetail());
      case BATCH -> throw new IllegalStateException("a batch is an entry, not a command");
      case BODY_NOT_SET -> new Command.Unsupported("a log entry of a command kind this version does not know (fields "
          + p.getUnknownFields().asMap().keySet() + "; written by a newer version?): applied as nothing");
    };
    return new Stamped(p.getProposedUnixMillis(), p.getDecidedInTerm(), p.getValidUntilUnixMillis(), p.getRequestId(), command);
  }

  public static byte[] encode(CommandResult result) {
    return resultProto(result).toByteArray();
  }

  private static io.qonnect.proto.v1.raft.CommandResult resultProto(CommandResult result) {
    var b = io.qonnect.proto.v1.raft.CommandResult.newBuilder();
    switch (result) {
      case CommandResult.Accepted a -> b.setAccepted(true).setRevision(a.revision()).setUnchanged(!a.changed());
      case CommandResult.Rejected r -> b.setAccepted(false).setRejection(r.reason()).setKind(toProto(r.kind()));
    }
    return b.build();
  }

  /** The enum and the proto's numbers line up by declaration order (CommandCodecTest checks it); an unknown number reads as UNSPECIFIED. */
  private static java.util.SortedMap<ClusterId, io.qonnect.placement.spec.Resources> room(java.util.List<io.qonnect.proto.v1.raft.ClusterRoom> rooms) {
    java.util.SortedMap<ClusterId, io.qonnect.placement.spec.Resources> out = new java.util.TreeMap<>();
    rooms.forEach(r -> out.put(ClusterId.of(r.getCluster()), new io.qonnect.placement.spec.Resources(r.getRoom().getCpuMillis(), r.getRoom().getMemoryBytes())));
    return out;
  }

  private static Command.Trigger trigger(int number) {
    Command.Trigger[] all = Command.Trigger.values();
    return number >= 0 && number < all.length ? all[number] : Command.Trigger.UNSPECIFIED;
  }

  public static RejectionKind toProto(CommandResult.Rejection kind) {
    return switch (kind) {
      case NOT_FOUND -> RejectionKind.REJECTION_KIND_NOT_FOUND;
      case STALE -> RejectionKind.REJECTION_KIND_STALE;
      case INVALID -> RejectionKind.REJECTION_KIND_INVALID;
      case CONFLICT -> RejectionKind.REJECTION_KIND_CONFLICT;
      case UNSUPPORTED -> RejectionKind.REJECTION_KIND_UNSUPPORTED;
    };
  }

  /** A result from a leader of another version: an unknown or missing kind reads as a conflict. */
  static CommandResult.Rejection fromProto(RejectionKind kind) {
    return switch (kind) {
      case REJECTION_KIND_NOT_FOUND -> CommandResult.Rejection.NOT_FOUND;
      case REJECTION_KIND_STALE -> CommandResult.Rejection.STALE;
      case REJECTION_KIND_INVALID -> CommandResult.Rejection.INVALID;
      case REJECTION_KIND_UNSUPPORTED -> CommandResult.Rejection.UNSUPPORTED;
      case REJECTION_KIND_CONFLICT, REJECTION_KIND_FORBIDDEN, REJECTION_KIND_UNSPECIFIED, UNRECOGNIZED -> CommandResult.Rejection.CONFLICT;
    };
  }

  public static CommandResult decodeResult(byte[] bytes) {
    try {
      return fromProto(io.qonnect.proto.v1.raft.CommandResult.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt command result", e);
    }
  }

  private static CommandResult fromProto(io.qonnect.proto.v1.raft.CommandResult p) {
    if (!p.getAccepted()) return CommandResult.rejected(fromProto(p.getKind()), p.getRejection());
    // before 0.2, "unchanged" rode in the rejection field of an accepted result
    boolean unchanged = p.getUnchanged() || p.getRejection().equals("unchanged");
    return unchanged ? CommandResult.unchanged(p.getRevision()) : CommandResult.changed(p.getRevision());
  }
}
