package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ClusterHealth;
import io.qonnect.proto.v1.ClusterStatus;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.testbed.bench.FederationBench;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A partition that drops packets (nftables, the agent in a cgroup of its own) between a resource agent and the lead
 * agents, on a real member cluster: the cluster is found unreachable and failed, the agent deletes nothing while it
 * is cut off (its stream went silent; nothing closed it), and everything recovers when the packets flow again.
 */
@WithTestbed(clusters = "edge=1")
class PacketPartitionIT {
  private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
      Thread.sleep(200);
    }
  }

  private static ClusterHealth health(LeadAgentsClient client, String cluster) {
    return client.call(s -> s.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList().stream()
        .filter(c -> c.getName().equals(cluster)).map(ClusterStatus::getHealth).findFirst().orElse(ClusterHealth.CLUSTER_HEALTH_UNSPECIFIED);
  }

  @Test
  void aCutAgentIsFailedDeletesNothingAndComesBack(TestbedClusters clusters) throws Exception {
    String cluster = clusters.names().getFirst();
    LocalFederation federation = FreshFederation.create("packet-partition");
    FreshFederation.assumePacketFaults(federation);
    try (LeadAgentsClient client = startedWithAnApplication(federation, clusters, cluster)) {
      var kube = clusters.client(cluster);
      await("web runs in " + cluster, Duration.ofSeconds(60),
          () -> kube.apps().deployments().inNamespace("qonnect-cut").withName("web").get() != null);

      federation.partition(cluster, true);
      await(cluster + " failed", Duration.ofSeconds(30), () -> health(client, cluster) == ClusterHealth.CLUSTER_HEALTH_FAILED);
      Thread.sleep(5_000); // long enough for a deletion to show, had the agent decided on one
      assertThat(kube.apps().deployments().inNamespace("qonnect-cut").withName("web").get())
          .as("the cut-off agent deletes nothing").isNotNull();

      federation.partition(cluster, false);
      await(cluster + " healthy again", Duration.ofSeconds(60), () -> health(client, cluster) == ClusterHealth.CLUSTER_HEALTH_HEALTHY);
      assertThat(kube.apps().deployments().inNamespace("qonnect-cut").withName("web").get()).isNotNull();
    } finally {
      federation.down(false, line -> {});
    }
  }

  private static LeadAgentsClient startedWithAnApplication(LocalFederation federation, TestbedClusters clusters, String cluster)
      throws InterruptedException {
    federation.up(1, List.of(), line -> {});
    federation.upAgents(clusters.testbed().kubeconfig(), null, List.of(cluster), line -> {});
    LeadAgentsClient client = federation.client(20_000);
    await(cluster + " healthy", Duration.ofSeconds(60), () -> health(client, cluster) == ClusterHealth.CLUSTER_HEALTH_HEALTHY);
    client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("cut")).build()));
    return client;
  }
}
