package io.qonnect.lead.placing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Placement rounds keep the latency matrix while the knowledge base's snapshot is the same object: what they build is
 * what a fresh build gives, and new observations or a new probe plan are never answered from the old matrix.
 */
class SnapshotBuilderMemoTest {
  private static ObservationSnapshot observations(List<ClusterRecord> registry, double rtt) {
    ObservationSnapshot.Builder b = ObservationSnapshot.newBuilder();
    for (ClusterRecord c : registry) {
      b.addClusters(ClusterReport.newBuilder().setCluster(c.id().value()).setObservedUnixMillis(1).addNodes(NodeObservation.newBuilder().setName("n")
          .setReady(true).setAllocatable(Resources.newBuilder().setCpuMillis(4000).setMemoryBytes(8L << 30)).setIdleWatts(10).setMaxWatts(20)));
      LatencyReport.Builder r = LatencyReport.newBuilder().setFromCluster(c.id().value()).setObservedUnixMillis(1);
      for (ClusterRecord t : registry) if (!t.equals(c)) r.addSamples(LatencySample.newBuilder().setTo(t.id().value()).setRttMs(rtt));
      b.addLatency(r);
    }
    return b.build();
  }

  @Test
  void theMatrixIsKeptForTheSameObservationsAndBuiltAgainForNewOnes() {
    List<ClusterRecord> registry = ProbePlanTest.registry(5, 2);
    SnapshotBuilder.Memo memo = new SnapshotBuilder.Memo();
    ObservationSnapshot first = observations(registry, 10);
    ClusterSnapshot a = memo.build(first, registry);
    assertThat(a).isEqualTo(SnapshotBuilder.build(first, registry));
    assertThat(memo.build(first, registry).latency()).as("the same observations: the same matrix").isSameAs(a.latency());
    assertThat(memo.build(first, new java.util.ArrayList<>(registry))).as("and an equal registry: the same snapshot").isSameAs(a);
    List<ClusterRecord> oneFailed = new java.util.ArrayList<>(registry);
    ClusterRecord c = registry.get(0);
    oneFailed.set(0, new ClusterRecord(c.id(), c.tier(), c.region(), c.agentAddress(), io.qonnect.lead.state.ClusterHealth.FAILED, "drill", c.clusterUid()));
    ClusterSnapshot withoutOne = memo.build(first, oneFailed);
    assertThat(withoutOne).as("a verdict changed: built anew").isEqualTo(SnapshotBuilder.build(first, oneFailed)).isNotEqualTo(a);
    assertThat(withoutOne.cluster(registry.get(0).id())).isEmpty();

    ObservationSnapshot second = observations(registry, 20);
    ClusterSnapshot b = memo.build(second, registry);
    assertThat(b).as("new observations: built anew").isEqualTo(SnapshotBuilder.build(second, registry));
    assertThat(b.latency().between(registry.get(0).id(), registry.get(1).id())).hasValue(20);

    List<ClusterRecord> grown = ProbePlanTest.registry(70, 2); // beyond the full mesh: landmarks appear
    ObservationSnapshot third = observations(grown, 20);
    assertThat(memo.build(third, grown)).isEqualTo(SnapshotBuilder.build(third, grown));
  }
}
