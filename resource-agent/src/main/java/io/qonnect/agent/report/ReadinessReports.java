package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.agent.reconcile.ManifestRenderer;
import io.qonnect.agent.reconcile.Reconciliation;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.WorkloadReadiness;
import java.util.List;

/**
 * The readiness report of one member cluster, without I/O: for every component the desired state places here,
 * the workloads rendered from this very desired state (not the last reconcile's, which may be older), each as
 * its cluster has it (not created yet: none Ready), folded by {@link ComponentReadinessRule}.
 */
public final class ReadinessReports {
  /** The live object of a rendered workload, by kind and "namespace/name"; null when the cluster has none. */
  @FunctionalInterface
  public interface Live {
    HasMetadata get(String kind, String key);
  }

  private ReadinessReports() {}

  public static ReadinessReport of(String cluster, long nowUnixMillis, DesiredState state, Reconciliation reconciliation,
      ManifestRenderer.Leases leases, Live live) {
    ReadinessReport.Builder b = ReadinessReport.newBuilder().setCluster(cluster).setObservedUnixMillis(nowUnixMillis);
    if (state == null) return b.build();
    for (DesiredApplication app : state.getApplicationsList()) {
      ManifestRenderer.Rendering rendering = reconciliation.render(app, leases);
      if (!rendering.usable()) continue;
      for (DesiredComponent c : app.getComponentsList()) {
        List<WorkloadReadiness> workloads = rendering.objects().stream()
            .filter(o -> ManifestRenderer.WORKLOADS.contains(o.getKind()) && c.getName().equals(o.getMetadata().getLabels().get(Labels.COMPONENT)))
            .map(o -> ComponentReadinessRule.workload(o, live.get(o.getKind(), o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()),
                c.getReplicas()))
            .toList();
        b.addComponents(ComponentReadinessRule.of(app.getApplication(), app.getPlacementEpoch(), c.getName(), c.getReplicas(), workloads));
      }
    }
    return b.build();
  }
}
