package io.qonnect.agent.report;

import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.WorkloadReadiness;
import java.util.Comparator;
import java.util.List;

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
}
