package io.qonnect.testbed.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qonnect.testbed.junit.MemberClustersIT;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The member-cluster test of {@link MemberClustersIT} on a real k3s in Docker. Opt-in (profile k3s) and
 * skipped where no Docker engine runs. Here real containers run, so the image must be pullable.
 */
@Testcontainers(disabledWithoutDocker = true)
class MemberClusterK3sIT {
  @Container
  static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

  @Test
  void aDeploymentBecomesReadyPodsOnK3s() throws InterruptedException {
    try (KubernetesClient k = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("it-web").endMetadata().build()).serverSideApply();
      k.resource(MemberClustersIT.web("it-web", 2)).serverSideApply();
      MemberClustersIT.await("2 ready replicas on k3s", Duration.ofMinutes(3), () -> {
        Deployment d = k.apps().deployments().inNamespace("it-web").withName("web").get();
        return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas());
      });
      assertThat(k.pods().inNamespace("it-web").withLabel("app", "web").list().getItems()).hasSize(2);
    }
  }
}
