package io.qonnect.cli;

import io.qonnect.proto.v1.ApplicationDescription;
import io.qonnect.proto.v1.ClusterWorkloads;
import io.qonnect.proto.v1.ComponentStatus;
import io.qonnect.proto.v1.WorkloadReadiness;
import io.qonnect.proto.v1.ControlPlaneEvent;
import io.qonnect.proto.v1.GetApplicationRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qonnect describe app NAME}: spec, placement, why, and recent events. */
@Command(name = "describe", description = "Show one application: placement, explanation or diagnosis, recent events.")
final class DescribeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Parameters(index = "0", paramLabel = "KIND", description = "app")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(names = {"-o", "--output"}, description = "json or yaml (default: text)")
  String output = "text";

  @Override
  public Integer call() {
    if (!kind.startsWith("app")) throw new QonnectMain.UserError("describe " + kind + ": only applications can be described (describe app NAME)");
    OutputFormat format = OutputFormat.parse(output);
    ApplicationDescription d = leadAgents.call(c -> c.callLeader(s -> s.describeApplication(GetApplicationRequest.newBuilder().setName(name).build())), "describe");
    PrintWriter out = spec.commandLine().getOut();
    if (format.structured()) {
      out.print(format.writeProto(d));
      out.flush();
      return QonnectMain.OK;
    }
    out.printf("Name:            %s%n", d.getStatus().getName());
    out.printf("Phase:           %s%n", GetCommand.phase(d.getStatus()));
    out.printf("Spec revision:   %d%n", d.getStatus().getSpecRevision());
    out.printf("Placement epoch: %d%n", d.getStatus().getPlacementEpoch());
    if (d.getKnowledgeBaseDegraded()) out.println("Warning:         the knowledge base is unreachable; placement used the last observations");
    out.println("Placement (ready/desired replicas per member cluster):");
    for (ComponentStatus c : d.getStatus().getComponentsList()) {
      out.printf("  %-20s %s%s%n", c.getComponent(), GetCommand.readyOfDesired(c), c.getWaiting().isEmpty() ? "" : "   (singleton: " + c.getWaiting() + ")");
      // a component of several workloads (a bundle): each one, so a user sees which one holds it up
      for (ClusterWorkloads cw : c.getWorkloadsList()) {
        if (cw.getWorkloadsCount() < 2 && cw.getWorkloads(0).getName().equals(c.getComponent())) continue;
        for (WorkloadReadiness w : cw.getWorkloadsList()) {
          out.printf("    %-18s %s=%d/%d%n", w.getKind() + "/" + w.getName(), cw.getCluster(), w.getReadyReplicas(), w.getDesiredReplicas());
        }
      }
    }
    if (!d.getStatus().getMigration().isEmpty()) out.println("Migration:       " + d.getStatus().getMigration());
    if (!d.getExplanation().isEmpty()) out.println("Explanation:\n" + indent(d.getExplanation()));
    if (d.hasDiagnosisDetail()) out.println("Diagnosis:\n" + indent(DiagnosisView.render(d.getStatus().getName(), d.getDiagnosisDetail())));
    else if (!d.getDiagnosis().isEmpty()) out.println("Diagnosis:\n" + indent(d.getDiagnosis())); // a lead agent before 0.4
    out.println("Events:");
    for (ControlPlaneEvent e : d.getRecentEventsList()) {
      out.printf("  %s  rev %-6d %-20s %s%n", Instant.ofEpochMilli(e.getTimeUnixMillis()), e.getRevision(), e.getKind(), e.getMessage());
    }
    out.flush();
    return QonnectMain.OK;
  }

  private static String indent(String text) {
    return text.strip().lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }
}
