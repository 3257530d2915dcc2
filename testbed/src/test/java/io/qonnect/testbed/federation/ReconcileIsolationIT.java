package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qonnect.agent.apply.PlanExecutor;
import io.qonnect.agent.reconcile.ObservedObject;
import io.qonnect.agent.reconcile.Plan;
import io.qonnect.agent.reconcile.RetryBook;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's plan executor on a real kube-apiserver, with the agent's own credentials (deploy/'s RBAC and
 * admission policy): an object the API server refuses — a kind RBAC does not grant (403), a body it rejects
 * (422) — holds up no other application's applies and no delete, and is not tried again until its backoff passed.
 */
@WithTestbed(clusters = "edge=1")
class ReconcileIsolationIT {
  private static final Map<String, String> OURS = Map.of("app.kubernetes.io/managed-by", "qonnect");

  private static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(OURS).endMetadata().build();
  }

  private static ConfigMap configMap(String namespace, String name, String key) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(OURS).endMetadata()
        .addToData(key, "v").build();
  }

  @Test
  void aRefusedObjectHoldsUpNoOtherApplicationAndNoDelete(TestbedClusters clusters, @TempDir Path dir) throws Exception {
    String cluster = clusters.names().getFirst();
    KubernetesClient admin = clusters.client(cluster);
    // an application that left this cluster: its objects are for the agent to delete
    admin.namespaces().resource(namespace("qonnect-gone")).serverSideApply();
    ConfigMap old = admin.configMaps().resource(configMap("qonnect-gone", "old", "k")).serverSideApply();

    Path kubeconfig = AgentAccess.provision(clusters.testbed().kubeconfig(), cluster, dir.resolve("agent.kubeconfig")).kubeconfig();
    Config config = Config.fromKubeconfig(cluster, Files.readString(kubeconfig), kubeconfig.toString());
    ExecutorService appliers = Executors.newFixedThreadPool(4);
    AtomicLong now = new AtomicLong(1_000_000);
    try (KubernetesClient agent = new KubernetesClientBuilder().withConfig(config).build()) {
      PlanExecutor executor = new PlanExecutor(agent, appliers, new RetryBook(1_000, 60_000), now::get);
      HasMetadata forbidden = new PodDisruptionBudgetBuilder().withNewMetadata().withNamespace("qonnect-bad").withName("pdb").withLabels(OURS)
          .endMetadata().withNewSpec().withNewMinAvailable(1).endSpec().build();
      HasMetadata invalid = configMap("qonnect-bad", "invalid", "not a key!");
      Plan plan = new Plan(List.of(namespace("qonnect-bad"), namespace("qonnect-good"), forbidden, invalid, configMap("qonnect-good", "settings", "k")),
          List.of(), List.of(ObservedObject.of(old)), List.of());

      List<PlanExecutor.Outcome> first = executor.carryOut(plan);
      assertThat(first).filteredOn(o -> o instanceof PlanExecutor.Failed).extracting(o -> ((PlanExecutor.Failed) o).code())
          .as("the forbidden kind and the invalid body fail, each on its own").containsExactlyInAnyOrder(403, 422);
      assertThat(first).filteredOn(o -> o instanceof PlanExecutor.Applied).extracting(PlanExecutor.Outcome::key)
          .containsExactlyInAnyOrder("Namespace/null/qonnect-bad", "Namespace/null/qonnect-good", "ConfigMap/qonnect-good/settings");
      assertThat(first).extracting(PlanExecutor.Outcome::key).contains("ConfigMap/qonnect-gone/old");
      assertThat(admin.configMaps().inNamespace("qonnect-good").withName("settings").get()).as("the other application is applied").isNotNull();
      assertThat(admin.configMaps().inNamespace("qonnect-gone").withName("old").get()).as("the delete is done").isNull();

      now.addAndGet(500);
      List<PlanExecutor.Outcome> second = executor.carryOut(plan);
      assertThat(second).filteredOn(o -> o instanceof PlanExecutor.Deferred).extracting(PlanExecutor.Outcome::key)
          .as("within their backoff the refused objects are not tried again").containsExactlyInAnyOrder("PodDisruptionBudget/qonnect-bad/pdb",
              "ConfigMap/qonnect-bad/invalid");
      now.addAndGet(600);
      assertThat(executor.carryOut(plan)).filteredOn(o -> o instanceof PlanExecutor.Failed).extracting(o -> ((PlanExecutor.Failed) o).failures())
          .as("after it, they are tried again, and back off longer").containsExactly(2, 2);
    } finally {
      appliers.shutdownNow();
      for (String ns : List.of("qonnect-gone", "qonnect-bad", "qonnect-good")) admin.namespaces().withName(ns).delete();
    }
  }
}
