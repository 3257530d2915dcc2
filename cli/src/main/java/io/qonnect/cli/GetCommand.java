package io.qonnect.cli;

import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.ClusterStatus;
import io.qonnect.proto.v1.ComponentStatus;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.proto.v1.ListApplicationsResponse;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.proto.v1.ListClustersResponse;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qonnect get apps|clusters|placements [NAME] [-o wide|json|yaml]}. */
@Command(name = "get", description = "List applications, member clusters or placements, like kubectl get.")
final class GetCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Parameters(index = "0", paramLabel = "KIND", description = "apps (app, applications), clusters (cluster) or placements (placement)")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "one application")
  String name;

  @Option(names = {"-o", "--output"}, description = "wide, json or yaml (default: table)")
  String output = "text";

  @Override
  public Integer call() {
    OutputFormat format = OutputFormat.parse(output);
    PrintWriter out = spec.commandLine().getOut();
    switch (kind.toLowerCase(Locale.ROOT)) {
      case "apps", "app", "application", "applications", "placements", "placement" -> {
        boolean placements = kind.startsWith("placement");
        ListApplicationsResponse apps = name == null
            ? leadAgents.call(c -> c.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())), "get")
            : ListApplicationsResponse.newBuilder().addApplications(leadAgents.<ApplicationStatus>call(
                c -> c.callLeader(s -> s.getApplication(GetApplicationRequest.newBuilder().setName(name).build())), "get")).build();
        if (format.structured()) out.print(format.writeProto(name == null ? apps : apps.getApplications(0)));
        else if (placements) printPlacements(out, apps.getApplicationsList());
        else printApps(out, apps.getApplicationsList(), format == OutputFormat.WIDE);
      }
      case "clusters", "cluster" -> {
        // at the leader: heartbeats (their time, the agents' certificate expiry) are known only there
        ListClustersResponse clusters = leadAgents.call(c -> c.callLeader(s -> s.listClusters(ListClustersRequest.getDefaultInstance())), "get");
        if (format.structured()) out.print(format.writeProto(clusters));
        else printClusters(out, clusters.getClustersList(), format == OutputFormat.WIDE, System.currentTimeMillis());
      }
      default -> throw new QonnectMain.UserError("get " + kind + ": unknown kind; use apps, clusters or placements");
    }
    out.flush();
    return QonnectMain.OK;
  }

  static String phase(ApplicationStatus a) {
    return a.getPhase().name().charAt(0) + a.getPhase().name().substring(1).toLowerCase(Locale.ROOT);
  }

  /** {@code cloud-1=2/2,edge-1=0/1}: ready of desired replicas per member cluster. */
  static String readyOfDesired(ComponentStatus c) {
    List<String> parts = new java.util.ArrayList<>();
    for (ClusterReplicas d : c.getDesiredList()) {
      int ready = c.getReadyList().stream().filter(r -> r.getCluster().equals(d.getCluster())).mapToInt(ClusterReplicas::getReplicas).findFirst().orElse(0);
      parts.add(d.getCluster() + "=" + ready + "/" + d.getReplicas());
    }
    return String.join(",", parts);
  }

  private static void printApps(PrintWriter out, List<ApplicationStatus> apps, boolean wide) {
    out.printf("%-24s %-14s %8s %6s %10s%s%n", "NAME", "PHASE", "REVISION", "EPOCH", "COMPONENTS", wide ? "  PLACEMENT" : "");
    for (ApplicationStatus a : apps) {
      out.printf("%-24s %-14s %8d %6d %10d%s%n", a.getName(), phase(a), a.getSpecRevision(), a.getPlacementEpoch(), a.getComponentsCount(),
          wide ? "  " + a.getComponentsList().stream().map(c -> c.getComponent() + ":" + readyOfDesired(c)).collect(Collectors.joining(" ")) : "");
    }
  }

  private static void printPlacements(PrintWriter out, List<ApplicationStatus> apps) {
    out.printf("%-24s %-20s %6s  %s%n", "APPLICATION", "COMPONENT", "EPOCH", "CLUSTERS (ready/desired replicas)");
    for (ApplicationStatus a : apps) {
      for (ComponentStatus c : a.getComponentsList()) out.printf("%-24s %-20s %6d  %s%n", a.getName(), c.getComponent(), a.getPlacementEpoch(), readyOfDesired(c));
    }
  }

  static void printClusters(PrintWriter out, List<ClusterStatus> clusters, boolean wide, long nowMillis) {
    // requested = what qonnect's committed placements ask there + what other workloads' pods request (as its agent reports)
    // wide: how old the capacity the leader shows is (an agent whose reports stopped reaching the knowledge base shows
    // an old age here, long before anything else looks wrong), and how long each agent's certificate has left
    out.printf("%-14s %-6s %-14s %-8s %14s %14s  %s%s%n", "NAME", "TIER", "REGION", "HEALTH", "CPU REQUESTED", "MEM REQUESTED",
        wide ? String.format("%-9s %-11s ", "OBSERVED", "AGENT CERT") : "", "REASON");
    for (ClusterStatus c : clusters) {
      out.printf("%-14s %-6s %-14s %-8s %14s %14s  %s%s%n", c.getName(), c.getTier().name().substring(5).toLowerCase(Locale.ROOT), c.getRegion(),
          c.getHealth().name().substring(15).toLowerCase(Locale.ROOT),
          String.format(Locale.ROOT, "%.1f/%.1f", (c.getPlaced().getCpuMillis() + c.getUsed().getCpuMillis()) / 1000.0, c.getAllocatable().getCpuMillis() / 1000.0),
          String.format(Locale.ROOT, "%.0f/%.0fGi", (c.getPlaced().getMemoryBytes() + c.getUsed().getMemoryBytes()) / 1073741824.0,
              c.getAllocatable().getMemoryBytes() / 1073741824.0),
          wide ? String.format("%-9s %-11s ", observedAgo(c.getObservedUnixMillis(), nowMillis), certificateLeft(c.getAgentCertificateNotAfterUnixMillis(), nowMillis)) : "",
          c.getHealthReason());
    }
  }

  /**
   * How long ago the agent observed the capacity shown: "4s", "12m", "3h", "2d", or "never" (no report yet). The agent
   * stamps its reports with its own clock, so a skewed one shows as "0s" rather than a negative age.
   */
  static String observedAgo(long observedMillis, long nowMillis) {
    if (observedMillis == 0) return "never";
    long ago = Math.max(0, nowMillis - observedMillis) / 1000;
    if (ago < 120) return ago + "s";
    if (ago < 7200) return ago / 60 + "m";
    return ago < 172_800 ? ago / 3600 + "h" : ago / 86_400 + "d";
  }

  /** How long an agent's certificate has left: "364d", "5h", "expired", or "-" when unknown (no TLS, no heartbeat yet). */
  static String certificateLeft(long notAfterMillis, long nowMillis) {
    if (notAfterMillis == 0) return "-";
    long left = notAfterMillis - nowMillis;
    if (left <= 0) return "expired";
    return left >= 86_400_000 ? left / 86_400_000 + "d" : left / 3_600_000 + "h";
  }
}
