package io.qonnect.testbed.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qonnect.transport.Identity;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/cert-manager issues what deploy/kubernetes mounts: a Certificate for every TLS Secret a workload reads, with
 * the identity that workload must present (the URI SAN its role and name), keys and usages as {@code qonnect certs}
 * issues them, signed by the federation's CA Issuer. (The API server cannot check these without cert-manager's CRDs;
 * cert-manager itself is not on the testbed.)
 */
class CertManagerManifestsTest {
  private static final Path DEPLOY = DeployManifestsIT.DEPLOY.getParent();

  @Test
  void everyTlsSecretAWorkloadMountsIsIssuedWithTheIdentityItMustPresent() throws Exception {
    Map<String, GenericKubernetesResource> bySecret = new HashMap<>();
    for (HasMetadata o : load(DEPLOY.resolve("cert-manager"))) {
      if (o instanceof GenericKubernetesResource r && r.getKind().equals("Certificate")) bySecret.put(spec(r).get("secretName").toString(), r);
    }
    // what the control plane mounts, and the role each must present: lead-agent-N-tls → lead agent lead-agent-N
    Map<String, String> expected = new HashMap<>();
    for (HasMetadata o : load(DEPLOY.resolve("kubernetes"))) {
      PodSpec pod = o instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec() : o instanceof Deployment d ? d.getSpec().getTemplate().getSpec() : null;
      if (pod == null) continue;
      for (var volume : pod.getVolumes()) {
        if (volume.getProjected() == null) continue;
        for (var source : volume.getProjected().getSources()) {
          String secret = source.getSecret() == null ? null : source.getSecret().getName();
          if (secret == null || secret.equals("qonnect-ca-crl")) continue;
          String role = switch (o.getMetadata().getName()) {
            case "lead-agent" -> "lead-agent/" + secret.replace("-tls", "");
            case "knowledge-base" -> "knowledge-base/knowledge-base";
            case "resource-agent" -> "agent/"; // one per member cluster, issued centrally and copied (agents.yaml)
            default -> throw new AssertionError("a workload this test does not know: " + o.getMetadata().getName());
          };
          expected.put(secret, role);
        }
      }
    }
    assertThat(expected).containsKeys("lead-agent-0-tls", "lead-agent-1-tls", "lead-agent-2-tls", "knowledge-base-tls", "resource-agent-tls");

    Set<String> issued = new TreeSet<>();
    for (var e : expected.entrySet()) {
      GenericKubernetesResource cert = e.getKey().equals("resource-agent-tls")
          ? bySecret.values().stream().filter(c -> uri(c).startsWith("spiffe://qonnect/agent/")).findFirst().orElseThrow(() -> new AssertionError("no agent Certificate"))
          : bySecret.get(e.getKey());
      assertThat(cert).as("a Certificate writing Secret " + e.getKey()).isNotNull();
      Matcher m = Identity.URI.matcher(uri(cert));
      assertThat(m.matches()).as(uri(cert) + " is an identity qonnect reads").isTrue();
      assertThat(m.group(1) + "/" + m.group(2)).as(e.getKey()).startsWith(e.getValue());
      assertIssuedAsQonnectCertsDoes(cert, "server auth", "client auth");
      issued.add(cert.getMetadata().getName());
    }
    assertThat(issued).hasSize(expected.size());

    GenericKubernetesResource user = bySecret.values().stream().filter(c -> uri(c).startsWith("spiffe://qonnect/user/")).findFirst().orElseThrow();
    assertIssuedAsQonnectCertsDoes(user, "client auth");
    @SuppressWarnings("unchecked")
    List<String> organizations = (List<String>) ((Map<String, Object>) spec(user).get("subject")).get("organizations");
    assertThat(organizations).singleElement().satisfies(role -> assertThat(Identity.Role.of(role)).as("a role qonnect knows").isPresent());
  }

  @Test
  void theCaIssuerSignsWithTheFederationsCa() throws Exception {
    Map<String, GenericKubernetesResource> byName = new HashMap<>();
    for (HasMetadata o : load(DEPLOY.resolve("cert-manager"))) byName.put(o.getKind() + "/" + o.getMetadata().getName(), (GenericKubernetesResource) o);
    GenericKubernetesResource ca = byName.get("Certificate/qonnect-ca");
    assertThat(spec(ca).get("isCA")).isEqualTo(true);
    @SuppressWarnings("unchecked")
    Map<String, Object> issuer = (Map<String, Object>) spec(byName.get("Issuer/qonnect-ca")).get("ca");
    assertThat(issuer.get("secretName")).isEqualTo(spec(ca).get("secretName"));
    String kustomization = Files.readString(DEPLOY.resolve("cert-manager/kustomization.yaml"));
    try (Stream<Path> files = Files.list(DEPLOY.resolve("cert-manager"))) {
      files.filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .forEach(f -> assertThat(kustomization).as("listed: " + f.getFileName()).contains(f.getFileName().toString()));
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertIssuedAsQonnectCertsDoes(GenericKubernetesResource cert, String... usages) {
    String name = cert.getMetadata().getName();
    Map<String, Object> key = (Map<String, Object>) spec(cert).get("privateKey");
    assertThat(key).as(name + ": EC P-256 in PKCS#8, as the processes read keys")
        .containsEntry("algorithm", "ECDSA").containsEntry("size", 256).containsEntry("encoding", "PKCS8");
    assertThat((List<String>) spec(cert).get("usages")).as(name).containsExactlyInAnyOrder(usages);
    assertThat((Map<String, Object>) spec(cert).get("issuerRef")).as(name + ": signed by the federation's CA").containsEntry("name", "qonnect-ca");
    assertThat((List<String>) spec(cert).get("uris")).as(name + ": exactly one identity").hasSize(1);
  }

  @SuppressWarnings("unchecked")
  private static String uri(GenericKubernetesResource cert) {
    List<String> uris = (List<String>) spec(cert).get("uris");
    return uris == null || uris.isEmpty() ? "" : uris.getFirst();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  private static List<HasMetadata> load(Path dir) throws Exception {
    List<HasMetadata> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          Object parsed = Serialization.unmarshal(in);
          if (parsed instanceof List<?> list) list.forEach(o -> out.add((HasMetadata) o));
          else if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list) out.addAll(list.getItems());
          else out.add((HasMetadata) parsed);
        }
      }
    }
    return out;
  }
}
