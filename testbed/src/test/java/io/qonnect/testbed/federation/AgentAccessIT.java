package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.agent.reconcile.ManifestRenderer;
import io.qonnect.agent.reconcile.Namespaces;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.ImageWorkload;
import io.qonnect.proto.v1.PodSecurity;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's credentials on a real kube-apiserver: deploy/'s ServiceAccount, ClusterRole and admission policy, as
 * the testbed's agents use them. RBAC alone lets the agent write ConfigMaps, Secrets and Deployments in every
 * namespace; the ValidatingAdmissionPolicy keeps it to qonnect's application namespaces and its own labelled objects.
 */
@WithTestbed(clusters = "edge=1")
class AgentAccessIT {
  private static final Map<String, String> OURS = Map.of("app.kubernetes.io/managed-by", "qonnect");

  private static ConfigMap configMap(String namespace, String name, Map<String, String> labels) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
        .addToData("k", "v").build();
  }

  private static void denied(String because, Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).as(e.getMessage()).isIn(403, 422);
      assertThat(e.getMessage()).contains(because);
    });
  }

  /** An admission policy is enforced once the API server has loaded it, a moment after it was created: a dry run tells. */
  private static void awaitEnforced(KubernetesClient agent) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        agent.configMaps().resource(configMap("default", "probe", OURS)).dryRun().create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403 || e.getCode() == 422) return;
        throw e;
      }
      assertThat(System.nanoTime()).as("the admission policy is enforced within 30 s").isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  @Test
  void theAgentWritesOnlyQonnectsOwnObjectsInQonnectsNamespaces(TestbedClusters clusters, @TempDir Path dir) throws Exception {
    String cluster = clusters.names().getFirst();
    Path kubeconfig = AgentAccess.provision(clusters.testbed().kubeconfig(), cluster, dir.resolve("agent.kubeconfig")).kubeconfig();
    assertThat(Files.readString(kubeconfig)).as("the agent's kubeconfig holds a token, not the admin's certificate")
        .contains("token:").doesNotContain("client-key");
    Config config = Config.fromKubeconfig(cluster, Files.readString(kubeconfig), kubeconfig.toString());
    try (KubernetesClient agent = new KubernetesClientBuilder().withConfig(config).build()) {
      awaitEnforced(agent);
      // what the agent does for an application
      Map<String, String> nsLabels = new java.util.HashMap<>(OURS);
      nsLabels.putAll(Namespaces.podSecurityLabels(Namespaces.DEFAULT_MAX_POD_SECURITY)); // as the agent renders an application of before levels
      agent.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("qonnect-shop").withLabels(nsLabels).endMetadata().build())
          .serverSideApply();
      agent.configMaps().resource(configMap("qonnect-shop", "settings", OURS)).serverSideApply();
      agent.configMaps().inNamespace("qonnect-shop").withName("settings").delete();

      // what RBAC would let it do, and the policy does not
      denied("only in application namespaces", () -> agent.configMaps().resource(configMap("default", "planted", OURS)).create());
      denied("only in application namespaces", () -> agent.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("bystander").withLabels(OURS).endMetadata().build()).create());
      denied("labelled app.kubernetes.io/managed-by=qonnect", () -> agent.configMaps().resource(configMap("qonnect-shop", "unlabelled", Map.of())).create());
      denied("only in application namespaces", () -> agent.configMaps().inNamespace("kube-system").withName("extension-apiserver-authentication").delete());
      denied("only in application namespaces", () -> agent.namespaces().withName(AgentAccess.NAMESPACE).delete());
    }
    // the application namespace's Pod Security level holds for whoever creates pods there (here the admin); the
    // ServiceAccount admission runs first and refuses any pod until the controller manager has made "default"
    clusters.client(cluster).serviceAccounts().inNamespace("qonnect-shop").withName("default")
        .waitUntilCondition(java.util.Objects::nonNull, 60, java.util.concurrent.TimeUnit.SECONDS);
    io.fabric8.kubernetes.api.model.Pod privileged = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("root")
        .withNamespace("qonnect-shop").endMetadata().withNewSpec().withHostNetwork(true).addNewContainer().withName("c").withImage("busybox")
        .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec().build();
    denied("violates PodSecurity \"baseline:latest\"", () -> clusters.client(cluster).pods().resource(privileged).create());
    assertThat(clusters.client(cluster).configMaps().inNamespace("kube-system").withName("extension-apiserver-authentication").get())
        .as("the system's objects are untouched").isNotNull();
  }

  /**
   * An application at the default level, {@code restricted}: the agent's namespace enforces it, and the pods of the
   * Deployment it renders from the image shorthand are admitted by the real API server (a pod of the same image
   * without the securityContext is not). Dry runs: admission runs, nothing is stored.
   */
  @Test
  void theImageShorthandsPodsAreAdmittedWhereRestrictedIsEnforced(TestbedClusters clusters) throws Exception {
    String cluster = clusters.names().getFirst();
    KubernetesClient admin = clusters.client(cluster);
    DesiredApplication shop = DesiredApplication.newBuilder().setApplication("restricted-shop").setPlacementEpoch(1).setIncarnation(1)
        .setPodSecurity(PodSecurity.POD_SECURITY_RESTRICTED)
        .addComponents(DesiredComponent.newBuilder().setName("web").setReplicas(1).setImage(ImageWorkload.newBuilder().setImage("nginxinc/nginx-unprivileged:1.27")
            .addPorts(8080).setRequests(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(100).setMemoryBytes(64L << 20)))).build();
    ManifestRenderer.Rendering rendering = new ManifestRenderer(Namespaces.defaults()).render(shop, (app, component) -> true);
    assertThat(rendering.problem()).isEmpty();
    HasMetadata namespace = rendering.objects().stream().filter(o -> o.getKind().equals("Namespace")).findFirst().orElseThrow();
    assertThat(namespace.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    admin.resource(namespace).serverSideApply();
    try {
      admin.serviceAccounts().inNamespace("qonnect-restricted-shop").withName("default")
          .waitUntilCondition(java.util.Objects::nonNull, 60, java.util.concurrent.TimeUnit.SECONDS);
      Deployment web = (Deployment) rendering.objects().stream().filter(o -> o instanceof Deployment).findFirst().orElseThrow();
      Pod asRendered = new PodBuilder().withNewMetadata().withName("web").withNamespace("qonnect-restricted-shop").endMetadata()
          .withSpec(web.getSpec().getTemplate().getSpec()).build();
      admin.pods().resource(asRendered).dryRun().create();
      Pod bare = new PodBuilder(asRendered).editSpec().withSecurityContext(null).editFirstContainer().withSecurityContext(null).endContainer().endSpec().build();
      denied("violates PodSecurity \"restricted:latest\"", () -> admin.pods().resource(bare).dryRun().create());
    } finally {
      admin.namespaces().withName("qonnect-restricted-shop").delete();
    }
  }
}
