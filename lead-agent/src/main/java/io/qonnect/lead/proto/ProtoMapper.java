package io.qonnect.lead.proto;

import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.ComponentPlacement;
import java.util.SortedMap;
import java.util.TreeMap;

/** Converts the domain types shared by the log, the snapshot and the API to and from their proto form. */
public final class ProtoMapper {
  private ProtoMapper() {}

  public static io.qonnect.proto.v1.Placement toProto(Placement placement) {
    var b = io.qonnect.proto.v1.Placement.newBuilder();
    placement.components().forEach((component, clusters) -> {
      var c = ComponentPlacement.newBuilder().setComponent(component);
      clusters.forEach((cluster, replicas) -> c.addClusters(replicas(cluster.value(), replicas)));
      b.addComponents(c);
    });
    return b.build();
  }

  /** The domain placement, or null for an empty proto (unschedulable). */
  public static Placement fromProto(io.qonnect.proto.v1.Placement proto) {
    if (proto.getComponentsCount() == 0) return null;
    SortedMap<String, SortedMap<ClusterId, Integer>> components = new TreeMap<>();
    for (ComponentPlacement c : proto.getComponentsList()) {
      SortedMap<ClusterId, Integer> clusters = new TreeMap<>();
      c.getClustersList().forEach(r -> clusters.put(ClusterId.of(r.getCluster()), r.getReplicas()));
      components.put(c.getComponent(), clusters);
    }
    return new Placement(components);
  }

  /** A placement engine's diagnosis in its stored and sent form (the application's name is the record's, not repeated). */
  public static io.qonnect.proto.v1.Diagnosis toProto(io.qonnect.placement.Diagnosis d) {
    var b = io.qonnect.proto.v1.Diagnosis.newBuilder().setSummary(d.summary());
    for (var c : d.components()) {
      var cb = io.qonnect.proto.v1.ComponentDiagnosis.newBuilder().setComponent(c.component()).setProblem(c.problem());
      c.eligible().forEach(x -> cb.addEligibleClusters(x.value()));
      c.rejected().forEach((x, refusal) -> cb.addRefusals(io.qonnect.proto.v1.ClusterRefusal.newBuilder().setCluster(x.value())
          .setReason(io.qonnect.proto.v1.RefusalReason.valueOf("REFUSAL_REASON_" + refusal.reason().name())).setText(refusal.text())));
      b.addComponents(cb);
    }
    return b.build();
  }

  public static ClusterReplicas replicas(String cluster, int replicas) {
    return ClusterReplicas.newBuilder().setCluster(cluster).setReplicas(replicas).build();
  }

  public static io.qonnect.proto.v1.Tier toProto(Tier tier) {
    return switch (tier) {
      case CLOUD -> io.qonnect.proto.v1.Tier.TIER_CLOUD;
      case FOG -> io.qonnect.proto.v1.Tier.TIER_FOG;
      case EDGE -> io.qonnect.proto.v1.Tier.TIER_EDGE;
    };
  }

  /** The domain tier; throws IllegalArgumentException for TIER_UNSPECIFIED (callers validate first). */
  public static Tier fromProto(io.qonnect.proto.v1.Tier tier) {
    return switch (tier) {
      case TIER_CLOUD -> Tier.CLOUD;
      case TIER_FOG -> Tier.FOG;
      case TIER_EDGE -> Tier.EDGE;
      case TIER_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("tier must be cloud, fog or edge");
    };
  }

  public static io.qonnect.proto.v1.ClusterHealth toProto(ClusterHealth health) {
    return switch (health) {
      case HEALTHY -> io.qonnect.proto.v1.ClusterHealth.CLUSTER_HEALTH_HEALTHY;
      case SUSPECT -> io.qonnect.proto.v1.ClusterHealth.CLUSTER_HEALTH_SUSPECT;
      case FAILED -> io.qonnect.proto.v1.ClusterHealth.CLUSTER_HEALTH_FAILED;
    };
  }

  public static ClusterHealth fromProto(io.qonnect.proto.v1.ClusterHealth health) {
    return switch (health) {
      case CLUSTER_HEALTH_HEALTHY -> ClusterHealth.HEALTHY;
      case CLUSTER_HEALTH_SUSPECT -> ClusterHealth.SUSPECT;
      case CLUSTER_HEALTH_FAILED -> ClusterHealth.FAILED;
      case CLUSTER_HEALTH_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("health must be healthy, suspect or failed");
    };
  }
}
