package io.qonnect.lead.placing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.ApplicationSpec;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.WorkloadReadiness;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  static final long SINCE = 1_000_000;

  static Placement on(String cluster) {
    return new Placement(new TreeMap<>(Map.of("fog", new TreeMap<>(Map.of(ClusterId.of(cluster), 1)))));
  }

  /** The reference bundle migrating from fog-1 to fog-2 at epoch 4, since SINCE. */
  static ApplicationRecord migrating() {
    return new ApplicationRecord("bookinfo", "", ApplicationSpec.getDefaultInstance(), 2, 4, on("fog-2"), on("fog-1"), "", io.qonnect.lead.state.Diagnoses.NONE, 2, 3, 1, SINCE);
  }

  static Readiness reported(int detailsReady) {
    ComponentReadiness fog = ComponentReadiness.newBuilder().setApplication("bookinfo").setComponent("fog").setPlacementEpoch(4)
        .setDesiredReplicas(1).setReadyReplicas(Math.min(1, detailsReady))
        .addWorkloads(WorkloadReadiness.newBuilder().setKind("Deployment").setName("details").setDesiredReplicas(1).setReadyReplicas(detailsReady)
            .setProblem(detailsReady == 0 ? "ReplicaFailure: FailedCreate: pods \"details-1\" is forbidden: exceeded quota" : ""))
        .addWorkloads(WorkloadReadiness.newBuilder().setKind("Deployment").setName("reviews-v1").setDesiredReplicas(1).setReadyReplicas(1))
        .build();
    return Readiness.of(ObservationSnapshot.newBuilder().addReadiness(ReadinessReport.newBuilder().setCluster("fog-2").addComponents(fog)).build());
  }

  @Test
  void aMigrationNotReadyWithinTheBoundSaysWhichWorkloadWaitsWhereAndWhy() {
    assertThat(reported(0).stalled(migrating(), SINCE + 119_000, 120_000)).as("within the bound").isEmpty();
    String why = reported(0).stalled(migrating(), SINCE + 121_000, 120_000).orElseThrow();
    assertThat(why).contains("epoch 4").contains("121 s").contains("fog in fog-2: 0/1 Ready")
        .contains("Deployment/details 0/1 Ready (ReplicaFailure: FailedCreate").doesNotContain("reviews-v1")
        .contains("previous placement keeps running");
    assertThat(reported(1).stalled(migrating(), SINCE + 121_000, 120_000)).as("Ready: nothing stalls").isEmpty();
  }

  @Test
  void aClusterWhoseAgentReportedNothingIsNamed() {
    Readiness nothing = Readiness.of(ObservationSnapshot.getDefaultInstance());
    assertThat(nothing.waitingFor(migrating())).containsExactly("fog in fog-2: no readiness reported by its agent");
  }
}
