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

  static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name, String owner) {
    return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("qonnect-shop")
        .withAnnotations(owner == null ? java.util.Map.of() : java.util.Map.of(io.qonnect.agent.reconcile.Labels.OWNER, owner)).build();
  }

  static io.fabric8.kubernetes.api.model.GenericKubernetesResource object(String kind, String name, String owner, java.util.Map<String, Object> props) {
    io.fabric8.kubernetes.api.model.GenericKubernetesResource r = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    r.setApiVersion("apps/v1");
    r.setKind(kind);
    r.setMetadata(meta(name, owner));
    props.forEach(r::setAdditionalProperty);
    return r;
  }

  @Test
  void aStatefulSetCountsWithItsReadyReplicas() {
    var rendered = object("StatefulSet", "db", "7", java.util.Map.of());
    var live = object("StatefulSet", "db", "7", java.util.Map.of("spec", java.util.Map.of("replicas", 3), "status", java.util.Map.of("readyReplicas", 2)));
    WorkloadReadiness w = ComponentReadinessRule.workload(rendered, live, 3);
    assertThat(w.getDesiredReplicas()).isEqualTo(3);
    assertThat(w.getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void aDeploymentThatDoesNotProgressSaysWhy() {
    var rendered = object("Deployment", "web", "7", java.util.Map.of());
    var live = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withMetadata(meta("web", "7"))
        .withNewSpec().withReplicas(2).endSpec()
        .withNewStatus().withReadyReplicas(0).addNewCondition().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate")
          .withMessage("pods \"web-1\" is forbidden: exceeded quota").endCondition().endStatus().build();
    WorkloadReadiness w = ComponentReadinessRule.workload(rendered, live, 2);
    assertThat(w.getReadyReplicas()).isZero();
    assertThat(w.getProblem()).isEqualTo("ReplicaFailure: FailedCreate: pods \"web-1\" is forbidden: exceeded quota");
  }

  @Test
  void whatIsNotThisApplicationsOwnOrNotWatchedCountsAsNotReady() {
    var rendered = object("StatefulSet", "db", "7", java.util.Map.of());
    var older = object("StatefulSet", "db", "3", java.util.Map.of("status", java.util.Map.of("readyReplicas", 2)));
    assertThat(ComponentReadinessRule.workload(rendered, older, 2).getReadyReplicas()).as("another incarnation's").isZero();
    assertThat(ComponentReadinessRule.workload(rendered, null, 2).getProblem()).isEqualTo("not created yet");
    assertThat(ComponentReadinessRule.workload(object("ReplicaSet", "rs", "7", java.util.Map.of()), null, 2).getProblem()).contains("not watched");
  }
}
