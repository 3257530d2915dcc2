package io.qonnect.lead.state;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;

/** A registered member cluster and the leader's latest verdict on it. */
public record ClusterRecord(ClusterId id, Tier tier, String region, String agentAddress, ClusterHealth health, String healthReason,
    String clusterUid) {
  ClusterRecord withHealth(ClusterHealth h, String reason) {
    return new ClusterRecord(id, tier, region, agentAddress, h, reason, clusterUid);
  }
}
