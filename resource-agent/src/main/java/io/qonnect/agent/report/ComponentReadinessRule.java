package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.WorkloadReadiness;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How ready one component is in this member cluster. Pure. Every workload of a component is scaled to the
 * component's replica count, so a replica of the component counts Ready when every workload has it Ready:
 * the component's ready count is the smallest of its workloads' (capped at the replicas asked for). A bundle
 * of several Deployments is Ready only when all are; a component without workloads (only Services and
 * ConfigMaps) has nothing to wait for and counts Ready at once, so it never holds up a migration.
 */
public final class ComponentReadinessRule {
  private ComponentReadinessRule() {}

  public static ComponentReadiness of(String application, long epoch, String component, int replicas, List<WorkloadReadiness> workloads) {
    int ready = workloads.stream().mapToInt(w -> Math.min(w.getReadyReplicas(), w.getDesiredReplicas())).min().orElse(replicas);
    return ComponentReadiness.newBuilder().setApplication(application).setComponent(component).setPlacementEpoch(epoch)
        .setDesiredReplicas(replicas).setReadyReplicas(Math.min(ready, replicas))
        .addAllWorkloads(workloads.stream().sorted(Comparator.comparing(WorkloadReadiness::getKind).thenComparing(WorkloadReadiness::getName)).toList())
        .build();
  }

  /** Workload kinds whose readiness the agent watches; others count as not Ready. */
  public static final java.util.Set<String> WATCHED = java.util.Set.of("Deployment", "StatefulSet");

  /**
   * One rendered workload as its cluster has it ({@code live}, null when absent): its desired and ready replicas,
   * and what Kubernetes says when a Deployment does not progress. An object that is not this application's own
   * (another incarnation's, or not qonnect's) counts as not created.
   */
  public static WorkloadReadiness workload(HasMetadata rendered, HasMetadata live, int replicas) {
    WorkloadReadiness.Builder b = WorkloadReadiness.newBuilder().setKind(rendered.getKind()).setName(rendered.getMetadata().getName())
        .setDesiredReplicas(replicas);
    if (!WATCHED.contains(rendered.getKind())) return b.setProblem(rendered.getKind() + " is not watched by the agent").build();
    if (!Labels.sameOwner(rendered, live)) {
      return b.setProblem("not created yet").build();
    }
    if (live instanceof Deployment d) {
      if (d.getSpec() != null && d.getSpec().getReplicas() != null) b.setDesiredReplicas(d.getSpec().getReplicas());
      return b.setReadyReplicas(d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas())
          .setProblem(problem(d)).build();
    }
    if (live instanceof GenericKubernetesResource g) {
      if (g.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("replicas") instanceof Number n) b.setDesiredReplicas(n.intValue());
      if (g.getAdditionalProperties().get("status") instanceof Map<?, ?> status && status.get("readyReplicas") instanceof Number n) b.setReadyReplicas(n.intValue());
    }
    return b.build();
  }

  /** What Kubernetes says of a Deployment that is not progressing: its failed or stuck conditions, else empty. */
  static String problem(Deployment d) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) return "";
    return d.getStatus().getConditions().stream()
        .filter(c -> ("ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()))
            || ("Progressing".equals(c.getType()) && "False".equals(c.getStatus())))
        .map(c -> c.getType() + ": " + c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()))
        .collect(Collectors.joining("; "));
  }
}
