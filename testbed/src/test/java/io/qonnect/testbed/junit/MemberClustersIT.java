package io.qonnect.testbed.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.Resources;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Real member clusters: Deployments become Ready pods on KWOK nodes, and the failure primitives work. */
@WithTestbed(clusters = "cloud=1,fog=1,edge=1") // the layout DeployManifestsIT uses: one testbed for both
public class MemberClustersIT {
  public static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      Thread.sleep(200);
    }
  }

  public static Deployment web(String namespace, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(replicas)
          .withNewSelector().addToMatchLabels("app", "web").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
            .withNewSpec().addNewContainer().withName("web").withImage("docker.io/library/nginx:1.27")
              .withNewResources().addToRequests("cpu", new Quantity("250m")).addToRequests("memory", new Quantity("128Mi")).endResources()
            .endContainer().endSpec()
          .endTemplate()
        .endSpec().build();
  }

  @Test
  void aDeploymentBecomesReadyPodsOnEveryMemberCluster(TestbedClusters testbed) throws InterruptedException {
    for (String cluster : testbed.names()) {
      KubernetesClient k = testbed.client(cluster);
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("it-web").endMetadata().build()).serverSideApply();
      k.resource(web("it-web", 3)).serverSideApply();
    }
    for (String cluster : testbed.names()) {
      KubernetesClient k = testbed.client(cluster);
      await(cluster + ": 3 ready replicas", Duration.ofSeconds(60), () -> {
        Deployment d = k.apps().deployments().inNamespace("it-web").withName("web").get();
        return d.getStatus() != null && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas());
      });
      List<Pod> pods = k.pods().inNamespace("it-web").withLabel("app", "web").list().getItems();
      assertThat(pods).hasSize(3).allSatisfy(p -> {
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
        assertThat(p.getSpec().getNodeName()).startsWith(cluster + "-node-"); // bound by the real scheduler
      });
    }
  }

  @Test
  void aStoppedClusterIsUnreachableAndComesBackWithItsObjects(TestbedClusters testbed) throws InterruptedException {
    var t = testbed.testbed();
    try (KubernetesClient k = t.client("edge-1")) {
      k.resource(new ConfigMapBuilder().withNewMetadata().withName("survives").withNamespace("default").endMetadata()
          .addToData("k", "v").build()).serverSideApply();
    }
    t.stop("edge-1");
    try (KubernetesClient k = t.client("edge-1")) {
      assertThatThrownBy(() -> k.configMaps().inNamespace("default").list()).isInstanceOf(KubernetesClientException.class);
    }
    assertThat(t.running("edge-1")).isFalse();
    t.start("edge-1");
    try (KubernetesClient k = t.client("edge-1")) {
      assertThat(k.configMaps().inNamespace("default").withName("survives").get().getData()).containsEntry("k", "v");
      await("edge-1 nodes Ready after start", Duration.ofSeconds(30),
          () -> k.nodes().list().getItems().stream().allMatch(MemberClustersIT::ready));
    }
  }

  @Test
  void aNodeTurnsNotReadyWhenItsKubeletStopsAndReadyWhenItResumes(TestbedClusters testbed) throws InterruptedException {
    KubernetesClient k = testbed.client("cloud-1");
    testbed.testbed().setNodeReady("cloud-1", "cloud-1-node-2", false);
    await("cloud-1-node-2 NotReady", Duration.ofSeconds(30), () -> !ready(k.nodes().withName("cloud-1-node-2").get()));
    testbed.testbed().setNodeReady("cloud-1", "cloud-1-node-2", true);
    await("cloud-1-node-2 Ready again", Duration.ofSeconds(30), () -> ready(k.nodes().withName("cloud-1-node-2").get()));
  }

  @Test
  void upAgainDuplicatesNothing(TestbedClusters testbed) {
    var t = testbed.testbed();
    List<String> lines = new java.util.ArrayList<>();
    t.up(io.qonnect.testbed.cluster.MemberClusterSpec.parseLayout("cloud=1,fog=1,edge=1"), lines::add);
    assertThat(lines).anyMatch(l -> l.equals("cloud-1: already running")).anyMatch(l -> l.contains("nodes already there"));
    assertThat(t.clusters()).hasSize(3);
    assertThat(testbed.client("cloud-1").nodes().list().getItems()).hasSize(4);
  }

  @Test
  void theInventoryDescribesTheMemberClusters(TestbedClusters testbed) throws Exception {
    var parsed = new InventoryParser().parse(Files.readString(testbed.testbed().inventory()));
    ClusterSnapshot snapshot = ((Parsed.Valid<ClusterSnapshot>) parsed).value();
    assertThat(snapshot.clusters()).extracting(c -> c.id().value()).containsExactlyInAnyOrder("cloud-1", "fog-1", "edge-1");
    // cloud: 4 nodes × 32 cores, 128 GiB.
    assertThat(snapshot.cluster(ClusterId.of("cloud-1")).orElseThrow().allocatable()).isEqualTo(new Resources(128_000, 512L << 30));
    assertThat(snapshot.latency().between(ClusterId.of("cloud-1"), ClusterId.of("edge-1"))).hasValue(32);
  }

  static boolean ready(Node n) {
    return n.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
