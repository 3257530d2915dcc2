package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An agent the local federation starts again gets credentials that work in its member cluster as it is now: a token
 * minted for it then, not one kept from before (the cluster may have been created anew since, by 'testbed up').
 */
@WithTestbed(clusters = "edge=1")
class AgentRestartIT {
  @Test
  void aRestartedAgentGetsAFreshTokenAndACreatedAnewClusterIsNamed(TestbedClusters clusters) throws Exception {
    String cluster = clusters.names().getFirst();
    LocalFederation federation = FreshFederation.create("agent-restart");
    Path dir = federation.workDir();
    try {
      federation.up(1, List.of(), line -> {});
      federation.upAgents(clusters.testbed().kubeconfig(), null, List.of(cluster), line -> {});
      LocalFederation.Member agent = federation.member(LocalFederation.agentName(cluster));
      Path kubeconfig = federation.agentKubeconfig(agent);
      // what a kubeconfig from an earlier cluster of the same name looks like to this one: a token it never issued
      Files.writeString(kubeconfig, Files.readString(kubeconfig).replaceAll("token: .*", "token: minted-for-a-cluster-long-gone"));
      federation.kill(agent.name());

      federation.up(1, List.of(), line -> {}); // as 'federation up' after 'testbed up' does: starts what is not running

      Config config = Config.fromKubeconfig(cluster, Files.readString(kubeconfig), kubeconfig.toString());
      try (KubernetesClient asAgent = new KubernetesClientBuilder().withConfig(config).build()) {
        assertThat(asAgent.nodes().list().getItems()).as("the restarted agent's credentials work").isNotEmpty();
      }

      // a member cluster created anew under the same name (another kube-system UID): the lead agents would refuse its
      // agent forever, so the federation says so and what to do instead of starting it
      Files.writeString(dir.resolve("cluster-uids.tsv"), cluster + "\tuid-of-a-cluster-long-gone\n");
      federation.kill(agent.name());
      assertThatThrownBy(() -> federation.up(1, List.of(), line -> {})).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("member cluster " + cluster + " is not the cluster this federation registered under that name")
          .hasMessageContaining("federation down --wipe");
    } finally {
      federation.down(false, line -> {});
    }
  }
}
