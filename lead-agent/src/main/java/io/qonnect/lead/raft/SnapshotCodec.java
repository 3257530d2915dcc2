package io.qonnect.lead.raft;

import io.qonnect.lead.state.Diagnoses;
import com.google.protobuf.InvalidProtocolBufferException;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.EventRecord;
import io.qonnect.lead.state.RememberedWrite;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.raft.ControlPlaneSnapshot;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole state to and from bytes. Records are written sorted by key (the state keeps them sorted) as
 * repeated fields, never proto maps, so equal states encode to equal bytes and {@link #hash} compares replicas.
 *
 * <p>Framed: a header ({@code format}) before the state and a trailer ({@code end_marker}) after it, both
 * ControlPlaneSnapshot fields (see raft.proto), so bytes cut short anywhere are refused, and an empty state is
 * not zero bytes. Snapshots written before the frame (no {@code format}) are still read, as they are.
 */
public final class SnapshotCodec {
  /** The frame this build writes; 0 stands for the plain state written before it. */
  static final int FORMAT = 1;
  /** "QSN1": any other value in the trailer is not a trailer this codec wrote. */
  static final int END_MARKER = 0x51534E31;
  private static final byte[] HEADER = ControlPlaneSnapshot.newBuilder().setFormat(FORMAT).build().toByteArray();
  private static final byte[] TRAILER = ControlPlaneSnapshot.newBuilder().setEndMarker(END_MARKER).build().toByteArray();

  private SnapshotCodec() {}

  /**
   * What a snapshot holds, copied out of the state: its records are immutable, so this copy (references only, quick)
   * can be encoded on another thread while the state moves on.
   */
  public record Contents(long lastAppliedIndex, long revision, long clusterSetRevision, int featureLevel, long latestProposedMillis,
      List<ClusterRecord> clusters, List<ApplicationRecord> applications, List<EventRecord> events, List<RememberedWrite> rememberedWrites) {
    /** The caller holds the state's read lock (or is the thread that applies). */
    public static Contents of(ControlPlaneState s) {
      return new Contents(s.lastAppliedIndex(), s.revision(), s.clusterSetRevision(), s.featureLevel(), s.latestProposedMillis(), s.clusters(),
          s.applications(), s.events(), s.rememberedWrites());
    }
  }

  public static byte[] encode(ControlPlaneState state) {
    return encode(Contents.of(state));
  }

  public static byte[] encode(Contents contents) {
    byte[] body = body(contents);
    byte[] framed = new byte[HEADER.length + body.length + TRAILER.length];
    System.arraycopy(HEADER, 0, framed, 0, HEADER.length);
    System.arraycopy(body, 0, framed, HEADER.length, body.length);
    System.arraycopy(TRAILER, 0, framed, HEADER.length + body.length, TRAILER.length);
    return framed;
  }

  /** The state alone, as the codec wrote it before the frame: what {@link #hash} digests, the same in every version. */
  private static byte[] body(Contents state) {
    var b = ControlPlaneSnapshot.newBuilder()
        .setLastAppliedIndex(state.lastAppliedIndex())
        .setRevision(state.revision())
        .setClusterSetRevision(state.clusterSetRevision())
        .setFeatureLevel(state.featureLevel())
        .setLatestProposedUnixMillis(state.latestProposedMillis()); // 0 below level 5: not written, the body as before
    for (ClusterRecord c : state.clusters()) {
      b.addClusters(io.qonnect.proto.v1.raft.ClusterRecord.newBuilder().setCluster(c.id().value()).setTier(ProtoMapper.toProto(c.tier()))
          .setRegion(c.region()).setAgentAddress(c.agentAddress()).setHealth(ProtoMapper.toProto(c.health())).setHealthReason(c.healthReason())
          .setClusterUid(c.clusterUid()));
    }
    for (ApplicationRecord a : state.applications()) {
      var r = io.qonnect.proto.v1.raft.ApplicationRecord.newBuilder().setApplication(a.name()).setSpecYaml(a.specYaml()).setSpec(a.spec())
          .setSpecRevision(a.specRevision()).setPlacementEpoch(a.placementEpoch()).setExplanation(a.explanation())
          .setDiagnosis(Diagnoses.headline(a.name(), a.diagnosis())).setPlacedSpecRevision(a.placedSpecRevision()).setPlacedClusterSetRevision(a.placedClusterSetRevision())
          .setIncarnation(a.incarnation()).setMigratingSinceUnixMillis(a.migratingSinceMillis());
      if (a.placement() != null) r.setPlacement(ProtoMapper.toProto(a.placement()));
      if (!Diagnoses.NONE.equals(a.diagnosis())) r.setDiagnosisDetail(a.diagnosis());
      if (a.previousPlacement() != null) r.setPreviousPlacement(ProtoMapper.toProto(a.previousPlacement()));
      b.addApplications(r);
    }
    for (EventRecord e : state.events()) {
      b.addEvents(io.qonnect.proto.v1.raft.EventRecord.newBuilder().setRevision(e.revision()).setTimeUnixMillis(e.timeMillis())
          .setKind(e.kind().displayName()).setSubject(e.subject()).setMessage(e.message()));
    }
    for (RememberedWrite w : state.rememberedWrites()) { // none below level 9: the body as before
      b.addRememberedWrites(io.qonnect.proto.v1.raft.RememberedWrite.newBuilder().setRequestId(w.requestId()).setProposedUnixMillis(w.proposedMillis())
          .setWrite(w.write()).setRevision(w.revision()).setChanged(w.changed()));
    }
    return b.build().toByteArray();
  }

  /**
   * Replaces the state with the one in {@code bytes}; refuses (and leaves the state alone) bytes that are empty,
   * cut short, or not a snapshot.
   *
   * @throws IllegalStateException naming what is wrong with the bytes
   */
  public static void decodeInto(byte[] bytes, ControlPlaneState state) {
    if (bytes.length == 0) {
      throw new IllegalStateException("snapshot is empty (0 bytes): its data never reached the disk; even an empty state encodes to more");
    }
    ControlPlaneSnapshot s;
    try {
      s = ControlPlaneSnapshot.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt snapshot (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
    if (s.getFormat() > FORMAT) {
      throw new IllegalStateException("snapshot format " + s.getFormat() + " is newer than this build reads (" + FORMAT + ")");
    }
    if (s.getFormat() != 0 && s.getEndMarker() != END_MARKER) {
      throw new IllegalStateException("snapshot is truncated (" + bytes.length + " bytes): its end marker is missing");
    }
    Map<ClusterId, ClusterRecord> clusters = new LinkedHashMap<>();
    for (var c : s.getClustersList()) {
      ClusterId id = ClusterId.of(c.getCluster());
      clusters.put(id, new ClusterRecord(id, ProtoMapper.fromProto(c.getTier()), c.getRegion(), c.getAgentAddress(),
          ProtoMapper.fromProto(c.getHealth()), c.getHealthReason(), c.getClusterUid()));
    }
    Map<String, ApplicationRecord> applications = new LinkedHashMap<>();
    for (var a : s.getApplicationsList()) {
      applications.put(a.getApplication(), new ApplicationRecord(a.getApplication(), a.getSpecYaml(),
          a.hasSpec() ? a.getSpec() : SpecCodec.fromLegacyYaml(a.getSpecYaml()), a.getSpecRevision(),
          a.getPlacementEpoch(), a.hasPlacement() ? ProtoMapper.fromProto(a.getPlacement()) : null,
          a.hasPreviousPlacement() ? ProtoMapper.fromProto(a.getPreviousPlacement()) : null, a.getExplanation(),
          Diagnoses.read(a.getApplication(), a.getDiagnosis(), a.hasDiagnosisDetail(), a.getDiagnosisDetail()), a.getPlacedSpecRevision(), a.getPlacedClusterSetRevision(), a.getIncarnation(), a.getMigratingSinceUnixMillis()));
    }
    List<EventRecord> events = s.getEventsList().stream()
        .map(e -> new EventRecord(e.getRevision(), e.getTimeUnixMillis(), io.qonnect.lead.state.EventKind.fromDisplayName(e.getKind()), e.getSubject(), e.getMessage()))
        .toList();
    List<RememberedWrite> remembered = s.getRememberedWritesList().stream()
        .map(w -> new RememberedWrite(w.getRequestId(), w.getProposedUnixMillis(), w.getWrite(), w.getRevision(), w.getChanged())).toList();
    state.restore(s.getLastAppliedIndex(), s.getRevision(), s.getClusterSetRevision(), s.getFeatureLevel(), s.getLatestProposedUnixMillis(), clusters,
        applications, events, remembered);
  }

  /**
   * SHA-256 of the state's encoding without the frame, hex: equal on replicas that applied the same log prefix,
   * whichever version of the codec they run.
   */
  public static String hash(ControlPlaneState state) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body(Contents.of(state))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
