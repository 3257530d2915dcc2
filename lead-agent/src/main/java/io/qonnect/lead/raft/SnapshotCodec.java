package io.qonnect.lead.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.EventRecord;
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
 */
public final class SnapshotCodec {
  private SnapshotCodec() {}

  public static byte[] encode(ControlPlaneState state) {
    var b = ControlPlaneSnapshot.newBuilder()
        .setLastAppliedIndex(state.lastAppliedIndex())
        .setRevision(state.revision())
        .setClusterSetRevision(state.clusterSetRevision())
        .setFeatureLevel(state.featureLevel());
    for (ClusterRecord c : state.clusters()) {
      b.addClusters(io.qonnect.proto.v1.raft.ClusterRecord.newBuilder().setCluster(c.id().value()).setTier(ProtoMapper.toProto(c.tier()))
          .setRegion(c.region()).setAgentAddress(c.agentAddress()).setHealth(ProtoMapper.toProto(c.health())).setHealthReason(c.healthReason()));
    }
    for (ApplicationRecord a : state.applications()) {
      var r = io.qonnect.proto.v1.raft.ApplicationRecord.newBuilder().setApplication(a.name()).setSpecYaml(a.specYaml()).setSpec(a.spec())
          .setSpecRevision(a.specRevision()).setPlacementEpoch(a.placementEpoch()).setExplanation(a.explanation())
          .setDiagnosis(a.diagnosis()).setPlacedSpecRevision(a.placedSpecRevision()).setPlacedClusterSetRevision(a.placedClusterSetRevision())
          .setIncarnation(a.incarnation()).setMigratingSinceUnixMillis(a.migratingSinceMillis());
      if (a.placement() != null) r.setPlacement(ProtoMapper.toProto(a.placement()));
      if (a.previousPlacement() != null) r.setPreviousPlacement(ProtoMapper.toProto(a.previousPlacement()));
      b.addApplications(r);
    }
    for (EventRecord e : state.events()) {
      b.addEvents(io.qonnect.proto.v1.raft.EventRecord.newBuilder().setRevision(e.revision()).setTimeUnixMillis(e.timeMillis())
          .setKind(e.kind().displayName()).setSubject(e.subject()).setMessage(e.message()));
    }
    return b.build().toByteArray();
  }

  public static void decodeInto(byte[] bytes, ControlPlaneState state) {
    ControlPlaneSnapshot s;
    try {
      s = ControlPlaneSnapshot.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt snapshot", e);
    }
    Map<ClusterId, ClusterRecord> clusters = new LinkedHashMap<>();
    for (var c : s.getClustersList()) {
      ClusterId id = ClusterId.of(c.getCluster());
      clusters.put(id, new ClusterRecord(id, ProtoMapper.fromProto(c.getTier()), c.getRegion(), c.getAgentAddress(),
          ProtoMapper.fromProto(c.getHealth()), c.getHealthReason()));
    }
    Map<String, ApplicationRecord> applications = new LinkedHashMap<>();
    for (var a : s.getApplicationsList()) {
      applications.put(a.getApplication(), new ApplicationRecord(a.getApplication(), a.getSpecYaml(),
          a.hasSpec() ? a.getSpec() : SpecCodec.fromLegacyYaml(a.getSpecYaml()), a.getSpecRevision(),
          a.getPlacementEpoch(), a.hasPlacement() ? ProtoMapper.fromProto(a.getPlacement()) : null,
          a.hasPreviousPlacement() ? ProtoMapper.fromProto(a.getPreviousPlacement()) : null, a.getExplanation(),
          a.getDiagnosis(), a.getPlacedSpecRevision(), a.getPlacedClusterSetRevision(), a.getIncarnation(), a.getMigratingSinceUnixMillis()));
    }
    List<EventRecord> events = s.getEventsList().stream()
        .map(e -> new EventRecord(e.getRevision(), e.getTimeUnixMillis(), io.qonnect.lead.state.EventKind.fromDisplayName(e.getKind()), e.getSubject(), e.getMessage()))
        .toList();
    state.restore(s.getLastAppliedIndex(), s.getRevision(), s.getClusterSetRevision(), s.getFeatureLevel(), clusters, applications, events);
  }

  /** SHA-256 of the snapshot encoding, hex: equal on replicas that applied the same log prefix. */
  public static String hash(ControlPlaneState state) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encode(state)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
