package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.agent.reconcile.Labels;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which of qonnect's components run, or may start, in this member cluster as its API server lists them: a pod
 * exists (Pending, running or terminating: a pod in its termination grace period still runs), or a workload asks
 * for replicas (the controller-manager starts them again, e.g. when the cluster comes back from an outage). This
 * is the agent's positive proof to the leader that a singleton stopped here: its name absent from a heartbeat read
 * from a reachable API server. Pure.
 */
public final class RunningComponents {
  private RunningComponents() {}

  /** "application/component" of every pod and workload labelled by qonnect's renderer, sorted, each once. */
  public static List<String> of(Collection<PodUsage> pods, Collection<? extends HasMetadata> workloads) {
    TreeSet<String> out = new TreeSet<>();
    for (PodUsage p : pods) {
      if (!p.finished()) add(out, p.component()); // a finished pod runs nothing
    }
    for (HasMetadata w : workloads) {
      if (replicas(w) > 0) add(out, component(w));
    }
    return List.copyOf(out);
  }

  private static void add(TreeSet<String> out, String component) {
    if (component != null) out.add(component);
  }

  private static String component(HasMetadata o) {
    Map<String, String> labels = o.getMetadata() == null ? null : o.getMetadata().getLabels();
    if (labels == null) return null;
    String application = labels.get(Labels.APPLICATION);
    String component = labels.get(Labels.COMPONENT);
    return application == null || component == null ? null : application + "/" + component;
  }

  private static int replicas(HasMetadata w) {
    if (w instanceof Deployment d) {
      return Objects.requireNonNullElse(d.getSpec() == null ? null : d.getSpec().getReplicas(), 1);
    }
    if (w instanceof GenericKubernetesResource g && g.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
      return spec.get("replicas") instanceof Number n ? n.intValue() : 1;
    }
    return 0;
  }
}
