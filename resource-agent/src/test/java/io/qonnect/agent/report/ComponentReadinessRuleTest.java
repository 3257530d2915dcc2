package io.qonnect.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.WorkloadReadiness;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentReadinessRuleTest {
  static WorkloadReadiness deployment(String name, int desired, int ready) {
    return WorkloadReadiness.newBuilder().setKind("Deployment").setName(name).setDesiredReplicas(desired).setReadyReplicas(ready).build();
  }

  @Test
  void aBundleOfSeveralDeploymentsIsReadyOnlyWhenEveryOneIs() {
    // the reference system's fog bundle: one component, three Deployments none of which is named like it
    List<WorkloadReadiness> bundle = List.of(deployment("reviews-v1", 1, 1), deployment("reviews-v2", 1, 1), deployment("details-v1", 1, 0));
    ComponentReadiness starting = ComponentReadinessRule.of("bookinfo", 2, "fog", 1, bundle);
    assertThat(starting.getReadyReplicas()).as("details-v1 is not Ready yet").isZero();
    assertThat(starting.getWorkloadsList()).extracting(WorkloadReadiness::getName).containsExactly("details-v1", "reviews-v1", "reviews-v2");
    assertThat(starting.getWorkloadsList().stream().mapToInt(WorkloadReadiness::getReadyReplicas).sum()).as("the sum is shown").isEqualTo(2);

    ComponentReadiness ready = ComponentReadinessRule.of("bookinfo", 2, "fog", 1,
        List.of(deployment("reviews-v1", 1, 1), deployment("reviews-v2", 1, 1), deployment("details-v1", 1, 1)));
    assertThat(ready.getReadyReplicas()).isEqualTo(1);
    assertThat(ready.getDesiredReplicas()).isEqualTo(1);
  }

  @Test
  void aReplicaCountsReadyWhenEveryWorkloadHasIt() {
    ComponentReadiness half = ComponentReadinessRule.of("shop", 1, "web", 3, List.of(deployment("web", 3, 3), deployment("worker", 3, 2)));
    assertThat(half.getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void aComponentWithoutWorkloadsIsReadyAtOnce() {
    // only ConfigMaps and Services: nothing to wait for, and a migration must not wait forever
    assertThat(ComponentReadinessRule.of("shop", 1, "config", 2, List.of()).getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void aSingletonScaledToZeroIsNotReady() {
    assertThat(ComponentReadinessRule.of("ledger", 1, "ledger", 1, List.of(deployment("ledger", 0, 0))).getReadyReplicas()).isZero();
  }
}
