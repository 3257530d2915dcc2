package io.qonnect.placement.spec;

import io.qonnect.placement.yaml.YamlNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What qonnect accepts as a component's Kubernetes objects, and the resources they request.
 * Objects are applied into the application's own namespace, so they must be namespaced and name none.
 */
final class ManifestRules {
  /** Kinds that live outside a namespace: applying them would reach beyond the application. */
  static final Set<String> CLUSTER_SCOPED = Set.of(
      "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
      "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
      "PriorityClass", "RuntimeClass", "APIService", "CSIDriver", "CSINode", "IngressClass",
      "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "VolumeAttachment");
  /** Kinds whose pods are counted when requests are derived from manifests. */
  static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "ReplicaSet");
  static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
  /** Requests assumed for a container that states none, so capacity accounting stays honest. */
  static final Resources DEFAULT_CONTAINER = new Resources(100, 128L << 20);

  private ManifestRules() {}

  /** Checks each object and returns them as plain maps (in document order). */
  static List<Map<String, Object>> check(List<YamlNode> objects, YamlNode list, String path, FieldReader r) {
    if (objects.isEmpty()) r.report(path, "must hold at least one Kubernetes object", list);
    for (int i = 0; i < objects.size(); i++) {
      String p = FieldReader.index(path, i);
      YamlNode o = objects.get(i);
      if (!(o instanceof YamlNode.Mapping m)) {
        r.report(p, "must be a Kubernetes object (a mapping), not " + o.kindName(), o);
        continue;
      }
      r.string(m, "apiVersion", p, true);
      Optional<String> kind = r.string(m, "kind", p, true);
      kind.filter(CLUSTER_SCOPED::contains).ifPresent(k -> r.report(FieldReader.join(p, "kind"),
          k + " is cluster-scoped; qonnect applies only namespaced objects, in the application's namespace", m.get("kind")));
      r.field(m, "metadata", p, true).ifPresent(meta -> {
        String mp = FieldReader.join(p, "metadata");
        if (!(meta instanceof YamlNode.Mapping mm)) {
          r.report(mp, "must be a mapping, not " + meta.kindName(), meta);
          return;
        }
        r.string(mm, "name", mp, true).filter(n -> !DNS_SUBDOMAIN.matcher(n).matches())
            .ifPresent(n -> r.report(FieldReader.join(mp, "name"), "'" + n + "' is not a valid object name", mm.get("name")));
        if (mm.get("namespace") != null) {
          r.report(FieldReader.join(mp, "namespace"), "remove it: qonnect puts every object in the application's own namespace", mm.get("namespace"));
        }
      });
    }
    return objects.stream().filter(YamlNode.Mapping.class::isInstance).map(o -> plainMap(o.toPlain())).toList();
  }

  /**
   * What one replica of the component requests: the sum over its workloads of one pod's container requests
   * (a container without requests counts as {@link #DEFAULT_CONTAINER}). Empty when there is no workload.
   */
  static Optional<Resources> podRequests(List<Map<String, Object>> manifests) {
    Resources total = Resources.ZERO;
    boolean any = false;
    for (Map<String, Object> m : manifests) {
      if (!WORKLOADS.contains(m.get("kind"))) continue;
      any = true;
      Object containers = dig(m, "spec", "template", "spec", "containers");
      if (!(containers instanceof List<?> list) || list.isEmpty()) {
        total = total.plus(DEFAULT_CONTAINER);
        continue;
      }
      for (Object c : list) total = total.plus(containerRequests(c));
    }
    return any ? Optional.of(total) : Optional.empty();
  }

  /** The largest spec.replicas among the workloads (1 when none says). */
  static int maxWorkloadReplicas(List<Map<String, Object>> manifests) {
    int max = 1;
    for (Map<String, Object> m : manifests) {
      if (WORKLOADS.contains(m.get("kind")) && dig(m, "spec", "replicas") instanceof Long n && n > max && n <= Integer.MAX_VALUE) {
        max = (int) (long) n;
      }
    }
    return max;
  }

  private static Resources containerRequests(Object container) {
    Object requests = dig(container, "resources", "requests");
    long cpu = quantity(dig(requests, "cpu"), true).orElse(DEFAULT_CONTAINER.cpuMillis());
    long mem = quantity(dig(requests, "memory"), false).orElse(DEFAULT_CONTAINER.memoryBytes());
    return new Resources(cpu, mem);
  }

  private static Optional<Long> quantity(Object v, boolean cpu) {
    if (v == null || v instanceof Boolean) return Optional.empty();
    String text = v.toString();
    return cpu ? Quantities.cpuMillis(text) : Quantities.bytes(text);
  }

  private static Object dig(Object node, String... keys) {
    Object cur = node;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) return null;
      cur = m.get(k);
    }
    return cur;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plainMap(Object o) {
    return (Map<String, Object>) o;
  }
}
