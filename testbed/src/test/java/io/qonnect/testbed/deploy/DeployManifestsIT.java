package io.qonnect.testbed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes against a real API server: every object is accepted by a server-side dry run (schema,
 * defaulting, admission), and every manifest file is listed in its folder's kustomization.
 */
@WithTestbed(clusters = "cloud=1,fog=1,edge=1")
class DeployManifestsIT {
  static final Path DEPLOY = Path.of(System.getenv().getOrDefault("QONNECT_HOME", "..")).resolve("deploy/kubernetes");

  static List<Path> manifests() throws Exception {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
    }
  }

  @Test
  void everyManifestPassesAServerSideDryRun(TestbedClusters clusters) throws Exception {
    KubernetesClient client = clusters.client("cloud-1");
    List<HasMetadata> objects = new ArrayList<>();
    for (Path file : manifests()) {
      try (InputStream in = Files.newInputStream(file)) {
        objects.addAll(client.load(in).items());
      }
    }
    assertThat(objects).extracting(HasMetadata::getKind)
        .contains("StatefulSet", "Service", "PodDisruptionBudget", "Deployment", "ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    // namespaced objects can only be dry-run into a namespace that exists: create those for real first
    objects.stream().filter(o -> o.getKind().equals("Namespace")).forEach(ns -> client.resource(ns).serverSideApply());
    for (HasMetadata o : objects) {
      if (o.getKind().equals("Namespace")) continue;
      HasMetadata accepted = client.resource(o).dryRun().create();
      assertThat(accepted.getMetadata().getName()).as(o.getKind()).isEqualTo(o.getMetadata().getName());
    }
    assertThat(client.apps().statefulSets().inNamespace("qonnect-system").list().getItems()).as("a dry run stores nothing").isEmpty();
  }

  @Test
  void everyWorkloadIsProbedOnItsMetricsPort(TestbedClusters clusters) throws Exception {
    List<io.fabric8.kubernetes.api.model.PodTemplateSpec> templates = new ArrayList<>();
    for (Path file : manifests()) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata o : clusters.client("cloud-1").load(in).items()) {
          if (o instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s) templates.add(s.getSpec().getTemplate());
          if (o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) templates.add(d.getSpec().getTemplate());
        }
      }
    }
    assertThat(templates).hasSize(3); // lead agents, knowledge base, resource agent
    for (var template : templates) {
      for (var c : template.getSpec().getContainers()) {
        assertThat(c.getPorts()).as(c.getName()).anyMatch(p -> "metrics".equals(p.getName()));
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(c.getName() + " liveness").isEqualTo("/livez");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(c.getName() + " readiness").isEqualTo("/readyz");
        assertThat(c.getEnv()).as(c.getName() + ": metrics served beyond loopback, for the kubelet and Prometheus")
            .anyMatch(e -> e.getName().equals("QONNECT_METRICS_ADDRESS") && e.getValue().startsWith("0.0.0.0:"));
      }
    }
  }

  /**
   * Where a workload reads its CA ({@code QONNECT_TLS_CA}), the CA's revocation list is mounted beside it
   * ({@code ca.crl} from the optional Secret qonnect-ca-crl): a certificate revoked with {@code qonnect certs revoke}
   * is refused by every process the manifests run.
   */
  @Test
  void everyWorkloadMountsTheRevocationListBesideItsCa(TestbedClusters clusters) throws Exception {
    int checked = 0;
    for (Path file : manifests()) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata o : clusters.client("cloud-1").load(in).items()) {
          io.fabric8.kubernetes.api.model.PodSpec pod = o instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s ? s.getSpec().getTemplate().getSpec()
              : o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d ? d.getSpec().getTemplate().getSpec() : null;
          if (pod == null) continue;
          var container = pod.getContainers().getFirst();
          String ca = container.getEnv().stream().filter(e -> e.getName().equals("QONNECT_TLS_CA")).findFirst().orElseThrow().getValue();
          var mount = container.getVolumeMounts().stream().filter(m -> ca.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow();
          String crlPath = Path.of(ca.substring(mount.getMountPath().length() + 1)).resolveSibling("ca.crl").toString();
          var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
          assertThat(volume.getProjected()).as(o.getMetadata().getName() + ": a projected volume with the CRL").isNotNull();
          assertThat(volume.getProjected().getSources()).as(o.getMetadata().getName() + " mounts ca.crl at " + crlPath).anySatisfy(source -> {
            assertThat(source.getSecret().getName()).isEqualTo("qonnect-ca-crl");
            assertThat(source.getSecret().getOptional()).isTrue();
            var items = source.getSecret().getItems();
            assertThat(items == null || items.isEmpty() ? "ca.crl" : items.stream().filter(i -> i.getKey().equals("ca.crl")).findFirst().orElseThrow().getPath())
                .isEqualTo(crlPath);
          });
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(3);
  }

  @Test
  void everyManifestIsListedInItsKustomization() throws Exception {
    for (Path file : manifests()) {
      String kustomization = Files.readString(file.getParent().resolve("kustomization.yaml"));
      assertThat(kustomization).as(DEPLOY.relativize(file).toString()).contains(file.getFileName().toString().replace(".yaml", ""));
    }
  }
}
