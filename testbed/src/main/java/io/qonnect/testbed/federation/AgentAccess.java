package io.qonnect.testbed.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The testbed's agents run as deploy/ runs them: under the {@code resource-agent} ServiceAccount and its
 * least-privilege ClusterRole (deploy/kubernetes/resource-agent/rbac.yaml, packaged with this module) and its
 * ValidatingAdmissionPolicy (admission-policy.yaml), not with the testbed's admin credentials. For each member cluster this applies the agent's namespace and roles with the
 * admin kubeconfig, asks the API server for a token of the ServiceAccount (TokenRequest), and writes a kubeconfig
 * holding only that token: whatever the agent does that the roles do not allow fails in every test and demo.
 */
final class AgentAccess {
  static final String NAMESPACE = "qonnect-agent";
  static final String SERVICE_ACCOUNT = "resource-agent";
  /** Long enough for a demo left running; the API server may cap it (--service-account-max-token-expiration). */
  static final Duration TOKEN_LIFETIME = Duration.ofDays(7);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** deploy/kubernetes/resource-agent's, as packaged: the namespace, the roles, and the admission policy that keeps the agent in qonnect's namespaces. */
  static final String[] MANIFESTS = {"namespace.yaml", "rbac.yaml", "admission-policy.yaml"};

  private AgentAccess() {}

  /** What provisioning wrote, and which real cluster it was: its kube-system namespace's UID, as the agent registers it. */
  record Provisioned(Path kubeconfig, String clusterUid) {}

  /**
   * Applies the agent's namespace and roles in {@code cluster} (a context of {@code adminKubeconfig}) and writes a
   * kubeconfig for its ServiceAccount to {@code out}, with one context named after the cluster.
   */
  static Provisioned provision(Path adminKubeconfig, String cluster, Path out) {
    try {
      String admin = Files.readString(adminKubeconfig);
      Config config = Config.fromKubeconfig(cluster, admin, adminKubeconfig.toString());
      String token;
      String uid;
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        uid = client.namespaces().withName("kube-system").get().getMetadata().getUid();
        for (String manifest : MANIFESTS) {
          try (InputStream in = AgentAccess.class.getResourceAsStream("/deploy/resource-agent/" + manifest)) {
            if (in == null) throw new IllegalStateException("deploy/resource-agent/" + manifest + " is not packaged with the testbed");
            client.load(in).forceConflicts().serverSideApply();
          }
        }
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_LIFETIME.toSeconds()).endSpec().build();
        token = client.serviceAccounts().inNamespace(NAMESPACE).withName(SERVICE_ACCOUNT).tokenRequest(request).getStatus().getToken();
      }
      Files.writeString(out, kubeconfig(YAML.readTree(admin), cluster, token), java.nio.charset.StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
      return new Provisioned(out, uid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The admin kubeconfig's cluster entry for {@code context}, with the ServiceAccount's token as its only user. */
  static String kubeconfig(JsonNode admin, String context, String token) throws IOException {
    JsonNode ctx = find(admin.path("contexts"), context).path("context");
    JsonNode cluster = find(admin.path("clusters"), ctx.path("cluster").asText());
    ObjectNode root = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Config").put("current-context", context);
    root.putArray("clusters").addObject().put("name", context).set("cluster", cluster.path("cluster"));
    root.putArray("users").addObject().put("name", SERVICE_ACCOUNT).putObject("user").put("token", token);
    ObjectNode c = root.putArray("contexts").addObject().put("name", context).putObject("context");
    c.put("cluster", context).put("user", SERVICE_ACCOUNT);
    return YAML.writeValueAsString(root);
  }

  private static JsonNode find(JsonNode list, String name) {
    if (list instanceof ArrayNode a) for (JsonNode n : a) if (n.path("name").asText().equals(name)) return n;
    throw new IllegalArgumentException("no '" + name + "' in the kubeconfig");
  }
}
