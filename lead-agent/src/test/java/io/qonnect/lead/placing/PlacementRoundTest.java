package io.qonnect.lead.placing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementRoundTest {
  private final QosSpecParser parser = new QosSpecParser();
  private final PlacementRound round = new PlacementRound(new PlacementEngine(), app -> parser.parse(app.specYaml()));

  static String spec(String name, int replicas, String cpu) {
    return """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: %s}
        spec:
          qos: {energy: 1, cost: 1, performance: 1}
          components:
            - name: web
              replicas: %d
              resources: {cpu: %s, memory: 128Mi}
              image: nginx:1.27
        """.formatted(name, replicas, cpu);
  }

  /** One cluster of {@code nodes} nodes with 4 cores and 16 GiB each, 1 core of each requested by others. */
  static ClusterReport report(String cluster, int nodes, boolean ready) {
    ClusterReport.Builder b = ClusterReport.newBuilder().setCluster(cluster).setPricePerCoreHour(0.03).setPricePerGibHour(0.004);
    for (int i = 0; i < nodes; i++) {
      b.addNodes(NodeObservation.newBuilder().setName(cluster + "-n" + i).setReady(ready)
          .setAllocatable(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(4000).setMemoryBytes(16L << 30))
          .setRequested(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(1000).setMemoryBytes(1L << 30))
          .setIdleWatts(50).setMaxWatts(150));
    }
    return b.build();
  }

  static ClusterRecord member(String name, ClusterHealth health) {
    return new ClusterRecord(ClusterId.of(name), Tier.CLOUD, "eu", "", health, "");
  }

  @Test
  void theSnapshotCountsReadyNodesAndSubtractsWhatOthersRequest() {
    ObservationSnapshot obs = ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true)).addClusters(report("cloud-2", 2, false)).build();
    ClusterSnapshot snapshot = SnapshotBuilder.build(obs, List.of(member("cloud-1", ClusterHealth.HEALTHY), member("cloud-2", ClusterHealth.HEALTHY),
        member("cloud-3", ClusterHealth.HEALTHY)));
    // cloud-2 has no Ready node and cloud-3 never reported: neither can be placed on
    assertThat(snapshot.clusters()).extracting(c -> c.id().value()).containsExactly("cloud-1");
    // 2 nodes × 4 cores = 8 cores, 2 × 1 core requested by workloads qonnect does not manage → 6 free
    assertThat(snapshot.clusters().getFirst().free()).isEqualTo(new Resources(6000, 30L << 30));
  }

  @Test
  void applicationsDecidedInOneRoundNeverShareTheSameCores() {
    // one cluster, 6 cores free: two applications of 4 × 1 core each cannot both fit
    ClusterSnapshot snapshot = SnapshotBuilder.build(ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY)));
    List<ApplicationRecord> apps = List.of(
        new ApplicationRecord("alpha", spec("alpha", 4, "1"), 2, 0, null, "", "", 0, 0),
        new ApplicationRecord("beta", spec("beta", 4, "1"), 3, 0, null, "", "", 0, 0));

    List<CommitPlacement> decisions = round.decide(apps, 1, snapshot, false);

    assertThat(decisions).extracting(CommitPlacement::application).containsExactly("alpha", "beta");
    assertThat(decisions.get(0).placement()).isNotNull();
    assertThat(decisions.get(1).placement()).as("beta must not get the cores promised to alpha").isNull();
    assertThat(decisions.get(1).diagnosis()).contains("beta");
    assertThat(decisions).allSatisfy(d -> assertThat(d.basedOnClusterSetRevision()).isEqualTo(1));
  }

  @Test
  void committedPlacementsReserveCapacityAndOnlyDueApplicationsAreDecided() {
    ClusterSnapshot snapshot = SnapshotBuilder.build(ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY)));
    ApplicationRecord alpha = new ApplicationRecord("alpha", spec("alpha", 4, "1"), 2, 0, null, "", "", 0, 0);
    CommitPlacement first = round.decide(List.of(alpha), 1, snapshot, false).getFirst();
    ApplicationRecord placedAlpha = new ApplicationRecord("alpha", alpha.specYaml(), 2, 1, first.placement(), "", "", 2, 1);
    ApplicationRecord beta = new ApplicationRecord("beta", spec("beta", 2, "1"), 3, 0, null, "", "", 0, 0);

    List<CommitPlacement> decisions = round.decide(List.of(placedAlpha, beta), 1, snapshot, false);

    // alpha is placed against the current revisions: not decided again; beta fits in the 2 cores alpha left
    assertThat(decisions).extracting(CommitPlacement::application).containsExactly("beta");
    assertThat(decisions.getFirst().placement()).isNotNull();
  }

  @Test
  void unschedulableApplicationsAreRetriedOnlyWhenAsked() {
    ClusterSnapshot empty = SnapshotBuilder.build(ObservationSnapshot.getDefaultInstance(), List.of());
    ApplicationRecord alpha = new ApplicationRecord("alpha", spec("alpha", 1, "1"), 2, 0, null, "", "no cluster", 2, 0);
    assertThat(round.decide(List.of(alpha), 0, empty, false)).isEmpty();
    assertThat(round.decide(List.of(alpha), 0, empty, true)).singleElement().satisfies(d -> assertThat(d.placement()).isNull());
  }
}
