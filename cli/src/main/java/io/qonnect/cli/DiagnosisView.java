package io.qonnect.cli;

import io.qonnect.placement.Diagnosis;
import io.qonnect.proto.v1.ClusterRefusal;
import io.qonnect.proto.v1.ComponentDiagnosis;
import io.qonnect.proto.v1.RefusalReason;

/**
 * Why an application cannot be placed, as people read it: the lead agents send it typed ({@code qonnect.v1.Diagnosis},
 * per component every member cluster's refusal with its reason code), and only the CLI renders it. {@code plan} turns
 * the local engine's diagnosis into the same form, so both read alike.
 */
final class DiagnosisView {
  private DiagnosisView() {}

  static io.qonnect.proto.v1.Diagnosis of(Diagnosis d) {
    var b = io.qonnect.proto.v1.Diagnosis.newBuilder().setSummary(d.summary());
    for (Diagnosis.ComponentDiagnosis c : d.components()) {
      var cb = ComponentDiagnosis.newBuilder().setComponent(c.component()).setProblem(c.problem());
      c.eligible().forEach(x -> cb.addEligibleClusters(x.value()));
      c.rejected().forEach((x, refusal) -> cb.addRefusals(ClusterRefusal.newBuilder().setCluster(x.value())
          .setReason(RefusalReason.valueOf("REFUSAL_REASON_" + refusal.reason().name())).setText(refusal.text())));
      b.addComponents(cb);
    }
    return b.build();
  }

  /**
   * {@code APP: unschedulable: SUMMARY}, then per component its eligible clusters (or none) and the joint problem,
   * then each refusing cluster with the reason's details.
   */
  static String render(String application, io.qonnect.proto.v1.Diagnosis d) {
    StringBuilder b = new StringBuilder();
    b.append(application).append(": unschedulable: ").append(d.getSummary()).append('\n');
    for (ComponentDiagnosis c : d.getComponentsList()) {
      b.append("  ").append(c.getComponent()).append(": ");
      b.append(c.getEligibleClustersCount() == 0 ? "no eligible member cluster" : c.getEligibleClustersCount() + " eligible " + c.getEligibleClustersList());
      if (!c.getProblem().isEmpty()) b.append("; ").append(c.getProblem());
      b.append('\n');
      for (ClusterRefusal r : c.getRefusalsList()) b.append("    ").append(r.getCluster()).append(": ").append(r.getText()).append('\n');
    }
    return b.toString();
  }
}
