package io.qonnect.agent.reconcile;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.ImageSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.DesiredApplication;
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
 * out. The application gets a namespace named after it; the {@code image} shorthand becomes a Deployment and
 * a Service; {@code manifests} are used as given, put in that namespace, with the cluster's replica count on
 * their Deployments. A component whose {@code talksTo} peer runs only in other member clusters gets an
 * ExternalName Service named after the peer, resolving to the peer's cluster-qualified DNS name (multi-cluster
 * DNS, e.g. a CoreDNS forward zone per member cluster, is the operator's; on the testbed the objects suffice).
 * Every object carries the ownership labels of {@link Labels} and a hash of itself; pod templates carry only
 * the application and component, so a new placement epoch relabels objects without restarting pods. A
 * singleton runs only while its lease is held: without one it renders with zero replicas (fencing).
 */
public final class ManifestRenderer {
  /** Whether this cluster holds the lease to run a singleton component now. */
  public interface Leases {
    boolean held(String application, String component);
  }

  public List<HasMetadata> render(DesiredApplication desired, QosSpec spec, Leases leases) {
    String app = desired.getApplication();
    Map<String, String> base = new LinkedHashMap<>();
    base.put(Labels.MANAGED_BY, Labels.MANAGER);
    base.put(Labels.APPLICATION, app);
    base.put(Labels.EPOCH, Long.toString(desired.getPlacementEpoch()));
    List<HasMetadata> out = new ArrayList<>();
    out.add(new NamespaceBuilder().withNewMetadata().withName(app).withLabels(base).endMetadata().build());
    for (ClusterReplicas here : desired.getHereList()) {
      ComponentSpec c = spec.component(here.getCluster()).orElse(null);
      if (c == null) continue;
      Map<String, String> labels = new LinkedHashMap<>(base);
      labels.put(Labels.COMPONENT, c.name());
      int replicas = c.singleton() && !leases.held(app, c.name()) ? 0 : here.getReplicas();
      if (c.image().isPresent()) {
        out.add(deployment(app, c, c.image().get(), replicas, labels));
        if (!c.image().get().ports().isEmpty()) out.add(service(app, c.name(), c.image().get().ports(), labels));
      } else {
        for (Map<String, Object> manifest : c.manifests()) out.add(manifest(app, manifest, replicas, labels));
      }
    }
    for (RemoteEndpoint remote : desired.getRemotesList()) {
      Map<String, String> labels = new LinkedHashMap<>(base);
      labels.put(Labels.COMPONENT, remote.getComponent());
      out.add(new ServiceBuilder().withNewMetadata().withName(remote.getComponent()).withNamespace(app).withLabels(labels).endMetadata()
          .withNewSpec().withType("ExternalName").withExternalName(remote.getAddress()).endSpec().build());
    }
    out.forEach(ManifestRenderer::stampHash);
    return out;
  }

  private static HasMetadata deployment(String app, ComponentSpec c, ImageSpec image, int replicas, Map<String, String> labels) {
    Map<String, String> selector = Map.of(Labels.APPLICATION, app, Labels.COMPONENT, c.name());
    return new DeploymentBuilder()
        .withNewMetadata().withName(c.name()).withNamespace(app).withLabels(labels)
          .withAnnotations(c.singleton() ? Map.of(Labels.SINGLETON, "true") : Map.of()).endMetadata()
        .withNewSpec().withReplicas(replicas)
          .withNewSelector().withMatchLabels(selector).endSelector()
          .withNewTemplate().withNewMetadata().withLabels(selector).addToLabels(Labels.MANAGED_BY, Labels.MANAGER).endMetadata()
            .withNewSpec().addNewContainer().withName(c.name()).withImage(image.image())
              .withPorts(image.ports().stream().map(p -> new ContainerPortBuilder().withContainerPort(p).build()).toList())
              .withEnv(image.env().entrySet().stream().map(e -> new EnvVarBuilder().withName(e.getKey()).withValue(e.getValue()).build()).toList())
              .withNewResources()
                .addToRequests("cpu", new Quantity(c.resources().cpuMillis() + "m"))
                .addToRequests("memory", new Quantity(Long.toString(c.resources().memoryBytes())))
              .endResources()
            .endContainer().endSpec()
          .endTemplate()
        .endSpec().build();
  }

  private static HasMetadata service(String app, String component, List<Integer> ports, Map<String, String> labels) {
    return new ServiceBuilder().withNewMetadata().withName(component).withNamespace(app).withLabels(labels).endMetadata()
        .withNewSpec().withSelector(Map.of(Labels.APPLICATION, app, Labels.COMPONENT, component))
          .withPorts(ports.stream().map(p -> new ServicePortBuilder().withName("p" + p).withPort(p).build()).toList())
        .endSpec().build();
  }

  @SuppressWarnings("unchecked")
  private static HasMetadata manifest(String app, Map<String, Object> manifest, int replicas, Map<String, String> labels) {
    GenericKubernetesResource r = Serialization.unmarshal(Serialization.asJson(manifest), GenericKubernetesResource.class);
    r.getMetadata().setNamespace(app);
    Map<String, String> merged = new LinkedHashMap<>(r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels());
    merged.putAll(labels);
    r.getMetadata().setLabels(merged);
    if ("Deployment".equals(r.getKind()) && r.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
      ((Map<String, Object>) spec).put("replicas", replicas);
    }
    return r;
  }

  private static void stampHash(HasMetadata object) {
    Map<String, String> annotations = new LinkedHashMap<>(object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations());
    annotations.remove(Labels.HASH);
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
