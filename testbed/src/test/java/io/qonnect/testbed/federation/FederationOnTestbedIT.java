package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.proto.v1.ApplicationDescription;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.ComponentStatus;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.testbed.junit.MemberClustersIT;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path on real member clusters: lead agents, knowledge base and one resource agent per cluster as
 * separate processes; Bookinfo applied through the API becomes Ready pods where the placement put them,
 * changed weights move it, delete removes everything qonnect created and nothing else.
 */
@WithTestbed(clusters = "cloud=1,fog=1,edge=1")
class FederationOnTestbedIT {
  private LocalFederation federation;

  static String bookinfo(double energy, double cost, double performance) throws Exception {
    return Files.readString(Path.of(System.getenv().getOrDefault("QONNECT_HOME", "..")).resolve("examples/bookinfo.yaml"))
        .replace("energy: 0.2", "energy: " + energy).replace("cost: 0.5", "cost: " + cost).replace("performance: 0.3", "performance: " + performance);
  }

  @AfterEach
  void down() {
    if (federation != null) federation.down(false, line -> {});
  }

  @Test
  void bookinfoRunsWhereItIsPlacedMovesWithTheWeightsAndLeavesNothingBehind(TestbedClusters clusters) throws Exception {
    Path dir = Path.of("target", "federation-it", "on-testbed").toAbsolutePath();
    new LocalFederation(dir, "", List.of()).down(true, line -> {});
    federation = new LocalFederation(dir, System.getProperty("java.class.path"), List.of("-Xmx256m", "-XX:+UseSerialGC"));
    federation.up(3, List.of(), line -> {});
    federation.upAgents(clusters.testbed().kubeconfig(), clusters.testbed().inventory(), clusters.names(), line -> {});
    clusters.client("fog-1").namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bystander").endMetadata().build()).serverSideApply();

    try (LeadAgentsClient client = new LeadAgentsClient(federation.leadAgentAddresses(), 20_000)) {
      // energy first: cloud-1 and edge-1 (see ./qonnect plan with the testbed's inventory)
      String energyOnly = bookinfo(1, 0, 0);
      String performanceOnly = bookinfo(0, 0, 1);
      client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(energyOnly).build()));
      ApplicationStatus energy = awaitReady(client, 1);
      assertRunsAsPlaced(clusters, energy);
      ApplicationDescription described = client.call(s -> s.describeApplication(GetApplicationRequest.newBuilder().setName("bookinfo").build()));
      assertThat(described.getExplanation()).contains("placed by qonnect");
      assertThat(described.getStatus().getPhase()).isEqualTo(ApplicationStatus.Phase.READY);

      // performance only: edge-1 and fog-1; cloud-1's copies are removed
      client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(performanceOnly).build()));
      ApplicationStatus performance = awaitReady(client, 2);
      assertThat(clustersOf(performance)).isNotEqualTo(clustersOf(energy));
      assertRunsAsPlaced(clusters, performance);
      MemberClustersIT.await("cloud-1 emptied", Duration.ofSeconds(60), () -> !clustersOf(performance).contains("cloud-1")
          && clusters.client("cloud-1").apps().deployments().inNamespace("bookinfo").list().getItems().isEmpty());

      client.call(s -> s.deleteApplication(DeleteApplicationRequest.newBuilder().setName("bookinfo").build()));
      for (String c : clusters.names()) {
        MemberClustersIT.await(c + " without bookinfo", Duration.ofSeconds(60),
            () -> clusters.client(c).namespaces().withName("bookinfo").get() == null);
      }
      assertThat(clusters.client("fog-1").namespaces().withName("bystander").get()).as("not qonnect's: left alone").isNotNull();
    }
  }

  private static ApplicationStatus awaitReady(LeadAgentsClient client, long epoch) throws InterruptedException {
    ApplicationStatus[] last = new ApplicationStatus[1];
    MemberClustersIT.await("bookinfo Ready at epoch " + epoch, Duration.ofSeconds(120), () -> {
      last[0] = client.call(s -> s.getApplication(GetApplicationRequest.newBuilder().setName("bookinfo").build()));
      return last[0].getPlacementEpoch() == epoch && last[0].getPhase() == ApplicationStatus.Phase.READY;
    });
    return last[0];
  }

  private static List<String> clustersOf(ApplicationStatus status) {
    return status.getComponentsList().stream().flatMap(c -> c.getDesiredList().stream()).map(ClusterReplicas::getCluster).distinct().sorted().toList();
  }

  /** Every placed component has a Deployment with that many ready replicas in that member cluster. */
  private static void assertRunsAsPlaced(TestbedClusters clusters, ApplicationStatus status) {
    for (ComponentStatus c : status.getComponentsList()) {
      for (ClusterReplicas r : c.getDesiredList()) {
        Deployment d = clusters.client(r.getCluster()).apps().deployments().inNamespace("bookinfo").withName(c.getComponent()).get();
        assertThat(d).as(c.getComponent() + " in " + r.getCluster()).isNotNull();
        assertThat(d.getStatus().getReadyReplicas()).as(c.getComponent() + " ready in " + r.getCluster()).isEqualTo(r.getReplicas());
      }
    }
  }
}
