package io.qonnect.agent.reconcile;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.qonnect.proto.v1.PodSecurity;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.ImageWorkload;
import io.qonnect.proto.v1.RemoteEndpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders what one member cluster should run for one application. Pure: desired state in, Kubernetes objects
 * out. The application gets its own namespace ({@link Namespaces}); the {@code image} shorthand becomes a
 * Deployment and a Service; manifests are used as given, put in that namespace, with the cluster's replica
 * count on their workloads. A component whose {@code talksTo} peer runs only in other member clusters gets an
 * ExternalName Service named after the peer, resolving to the peer's cluster-qualified DNS name (multi-cluster
 * DNS, e.g. a CoreDNS forward zone per member cluster, is the operator's; on the testbed the objects suffice).
 * Every object carries the ownership labels of {@link Labels}, the owning incarnation and a hash of itself; pod
 * templates carry only the application and component, so a new placement epoch relabels objects without
 * restarting pods. A singleton runs only while its lease is held: without one it renders with zero replicas
 * (fencing).
 *
 * <p>An application this agent cannot render whole (a workload kind it does not know, an object it cannot
 * read, a namespace it may not use) renders nothing and says why: the caller keeps what runs of it.
 */
public final class ManifestRenderer {
  /** Whether this cluster holds the lease to run a singleton component now. */
  public interface Leases {
    boolean held(String application, String component);
  }

  /** The objects of one application, or why it cannot be rendered here (then no objects). */
  public record Rendering(List<HasMetadata> objects, String problem) {
    public boolean usable() {
      return problem.isEmpty();
    }
  }

  private final Namespaces namespaces;

  public ManifestRenderer(Namespaces namespaces) {
    this.namespaces = namespaces;
  }

  public Rendering render(DesiredApplication desired, Leases leases) {
    String app = desired.getApplication();
    String problem = namespaces.problem(app);
    if (!problem.isEmpty()) return new Rendering(List.of(), problem);
    if (desired.getComponentsCount() == 0 && desired.getHereCount() > 0) {
      // a lead agent from before typed desired states sent only the spec's text: keep what runs until it is upgraded
      return new Rendering(List.of(), "sent by a lead agent older than this agent (no typed components); upgrade the lead agents first");
    }
    PodSecurity podSecurity = namespaces.podSecurityOf(desired.getPodSecurity());
    String refused = namespaces.podSecurityProblem(podSecurity);
    if (!refused.isEmpty()) return new Rendering(List.of(), refused);
    String ns = namespaces.of(app);
    Map<String, String> base = new LinkedHashMap<>();
    base.put(Labels.MANAGED_BY, Labels.MANAGER);
    base.put(Labels.APPLICATION, app);
    base.put(Labels.EPOCH, Long.toString(desired.getPlacementEpoch()));
    List<HasMetadata> out = new ArrayList<>();
    Map<String, String> nsLabels = new java.util.TreeMap<>(base);
    nsLabels.putAll(Namespaces.podSecurityLabels(podSecurity));
    out.add(new NamespaceBuilder().withNewMetadata().withName(ns).withLabels(nsLabels).endMetadata().build());
    for (DesiredComponent c : desired.getComponentsList()) {
      Map<String, String> labels = new LinkedHashMap<>(base);
      labels.put(Labels.COMPONENT, c.getName());
      int replicas = c.getSingleton() && !leases.held(app, c.getName()) ? 0 : c.getReplicas();
      switch (c.getWorkloadCase()) {
        case IMAGE -> {
          out.add(deployment(app, ns, c, replicas, labels, podSecurity == PodSecurity.POD_SECURITY_RESTRICTED));
          if (c.getImage().getPortsCount() > 0) out.add(service(app, ns, c.getName(), c.getImage().getPortsList(), labels));
        }
        case MANIFESTS -> {
          for (String json : c.getManifests().getObjectsJsonList()) {
            try {
              out.add(manifest(ns, json, replicas, c.getSingleton(), labels));
            } catch (RuntimeException e) {
              return new Rendering(List.of(), "component " + c.getName() + ": an object this agent cannot read (" + e.getMessage() + ")");
            }
          }
        }
        case WORKLOAD_NOT_SET -> {
          return new Rendering(List.of(), "component " + c.getName() + ": a workload kind this agent does not know (is the agent older than the lead agents?)");
        }
      }
    }
    for (RemoteEndpoint remote : desired.getRemotesList()) {
      Map<String, String> labels = new LinkedHashMap<>(base);
      labels.put(Labels.COMPONENT, remote.getComponent());
      out.add(new ServiceBuilder().withNewMetadata().withName(remote.getComponent()).withNamespace(ns).withLabels(labels).endMetadata()
          .withNewSpec().withType("ExternalName").withExternalName(remote.getAddress()).endSpec().build());
    }
    out.forEach(o -> stamp(o, desired.getIncarnation()));
    return new Rendering(out, "");
  }

  /**
   * The image shorthand's Deployment. In a {@code restricted} namespace its pods say what that level requires (not
   * root, no privilege escalation, no capabilities, the runtime's seccomp profile), so admission lets them in; the
   * image must then run as a non-root user.
   */
  private static HasMetadata deployment(String app, String ns, DesiredComponent c, int replicas, Map<String, String> labels, boolean restricted) {
    ImageWorkload image = c.getImage();
    Map<String, String> selector = Map.of(Labels.APPLICATION, app, Labels.COMPONENT, c.getName());
    return new DeploymentBuilder()
        .withNewMetadata().withName(c.getName()).withNamespace(ns).withLabels(labels)
          .withAnnotations(c.getSingleton() ? Map.of(Labels.SINGLETON, "true") : Map.of()).endMetadata()
        .withNewSpec().withReplicas(replicas)
          .withNewSelector().withMatchLabels(selector).endSelector()
          .withNewTemplate().withNewMetadata().withLabels(selector).addToLabels(Labels.MANAGED_BY, Labels.MANAGER).endMetadata()
            .withNewSpec().addNewContainer().withName(c.getName()).withImage(image.getImage())
              .withPorts(image.getPortsList().stream().map(p -> new ContainerPortBuilder().withContainerPort(p).build()).toList())
              .withEnv(image.getEnvList().stream().map(e -> new EnvVarBuilder().withName(e.getName()).withValue(e.getValue()).build()).toList())
              .withNewResources()
                .addToRequests("cpu", new Quantity(image.getRequests().getCpuMillis() + "m"))
                .addToRequests("memory", new Quantity(Long.toString(image.getRequests().getMemoryBytes())))
              .endResources()
              .withSecurityContext(restricted ? new SecurityContextBuilder().withAllowPrivilegeEscalation(false)
                  .withNewCapabilities().withDrop("ALL").endCapabilities().build() : null)
            .endContainer()
            .withSecurityContext(restricted ? new PodSecurityContextBuilder().withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build() : null)
          .endSpec()
          .endTemplate()
        .endSpec().build();
  }

  private static HasMetadata service(String app, String ns, String component, List<Integer> ports, Map<String, String> labels) {
    return new ServiceBuilder().withNewMetadata().withName(component).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withSelector(Map.of(Labels.APPLICATION, app, Labels.COMPONENT, component))
          .withPorts(ports.stream().map(p -> new ServicePortBuilder().withName("p" + p).withPort(p).build()).toList())
        .endSpec().build();
  }

  @SuppressWarnings("unchecked")
  private static HasMetadata manifest(String ns, String json, int replicas, boolean singleton, Map<String, String> labels) {
    GenericKubernetesResource r = Serialization.unmarshal(json, GenericKubernetesResource.class);
    if (r.getKind() == null || r.getMetadata() == null || r.getMetadata().getName() == null) {
      throw new IllegalArgumentException("no kind or metadata.name");
    }
    r.getMetadata().setNamespace(ns);
    Map<String, String> merged = new LinkedHashMap<>(r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels());
    merged.putAll(labels);
    r.getMetadata().setLabels(merged);
    if (WORKLOADS.contains(r.getKind()) && r.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
      ((Map<String, Object>) spec).put("replicas", replicas);
      // its pods carry qonnect's marks too: capacity reports leave them out of the "not qonnect's" load (the
      // placement accounts for them itself), and drills find them. Selectors are left as written (immutable).
      if (spec.get("template") instanceof Map<?, ?> template) {
        Map<String, Object> podMeta = template.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
        Map<String, Object> podLabels = podMeta.get("labels") instanceof Map<?, ?> l ? new LinkedHashMap<>((Map<String, Object>) l) : new LinkedHashMap<>();
        podLabels.put(Labels.MANAGED_BY, Labels.MANAGER);
        podLabels.put(Labels.APPLICATION, labels.get(Labels.APPLICATION));
        podLabels.put(Labels.COMPONENT, labels.get(Labels.COMPONENT));
        podMeta.put("labels", podLabels);
        ((Map<String, Object>) template).put("metadata", podMeta);
      }
      if (singleton) {
        Map<String, String> annotations = new LinkedHashMap<>(r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations());
        annotations.put(Labels.SINGLETON, "true");
        r.getMetadata().setAnnotations(annotations);
      }
    }
    return r;
  }

  /** Workload kinds scaled to the component's replica count in this cluster. */
  public static final java.util.Set<String> WORKLOADS = java.util.Set.of("Deployment", "StatefulSet", "ReplicaSet");

  private static void stamp(HasMetadata object, long incarnation) {
    Map<String, String> annotations = new LinkedHashMap<>(object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations());
    annotations.remove(Labels.HASH);
    annotations.put(Labels.OWNER, Long.toString(incarnation));
    object.getMetadata().setAnnotations(annotations);
    String json = Serialization.asJson(object);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      annotations.put(Labels.HASH, HexFormat.of().formatHex(digest, 0, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
