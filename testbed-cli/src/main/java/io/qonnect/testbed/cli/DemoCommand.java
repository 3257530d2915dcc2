package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import io.qonnect.cli.LeadAgentsOptions;
import io.qonnect.cli.OfflineDemo;
import io.grpc.StatusRuntimeException;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.Testbed;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.testbed.federation.LocalFederation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: real member clusters on the testbed, the control plane as local processes (knowledge base,
 * 3 lead agents, one resource agent per member cluster), Bookinfo applied and followed until every replica is
 * Ready where the placement put it. Each step is the command a user would type, run in-process.
 */
@Command(name = "demo", description = {"The main job: testbed (3 member clusters) + federation up, Bookinfo applied, placement and readiness shown.",
    "--offline: the planner alone on the 9-cluster example inventory (no processes)."})
final class DemoCommand implements Callable<Integer> {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--examples", description = "folder with bookinfo.yaml and inventory-9.yaml (default: the repository's examples/)")
  Path examples;

  @Option(names = "--offline", description = "only the planner, on the example inventory")
  boolean offline;

  @Option(names = "--clusters", description = "testbed layout (default cloud=1,fog=1,edge=1)")
  String layout = "cloud=1,fog=1,edge=1";

  @Override
  public Integer call() throws InterruptedException {
    Path dir = examples != null ? examples : Path.of(System.getenv().getOrDefault("QONNECT_HOME", ".")).resolve("examples");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (offline) return OfflineDemo.run(dir, out, err);
    Path app = dir.resolve("bookinfo.yaml");
    out.println("== 1/4 member clusters: real kube-apiserver, etcd, controller-manager, scheduler each; KWOK nodes");
    boolean newClusters = !Testbed.holdsClusters(Testbed.defaultWorkDir());
    step(out, err, "testbed", "up", "--clusters", layout);
    if (newClusters && !LocalFederation.local(LocalFederation.defaultWorkDir()).members().isEmpty()) {
      // the lead agents bind each member cluster's name to the cluster that registered it: new clusters need a new registry
      out.println("   the member clusters are new, so the local federation starts afresh (its registry names the old ones)");
      step(out, err, "federation", "down", "--wipe");
    }
    out.println("== 2/4 control plane: knowledge base, 3 lead agents (Raft), one resource agent per member cluster");
    step(out, err, "federation", "up");
    awaitClusters(out, MemberClusterSpec.parseLayout(layout).size());
    out.println("== 3/4 apply " + app);
    step(out, err, "apply", "-f", app.toString());
    out.println("== 4/4 waiting until every replica is Ready where it was placed");
    ApplicationStatus status = awaitReady(out);
    out.println();
    step(out, err, "get", "placements");
    out.printf("%nbookinfo is %s (placement epoch %d).%n", status.getPhase(), status.getPlacementEpoch());
    out.println("""
        Try next:
          ./qonnect describe app bookinfo          why each component is where it is, and the events
          ./qonnect get clusters                   the member clusters: tier, region, health, capacity
          ./qonnect federation status              every process; kill -9 the leader, then ./qonnect get apps again
          set cost: 1, energy: 0, performance: 0 in a copy of examples/bookinfo.yaml, ./qonnect apply -f it,
            and watch it move: ./qonnect get placements
          ./qonnect drill cluster-down cloud-1     stop a member cluster: a timeline of detection, failover, recovery
          ./qonnect drill leader-kill              kill -9 the leader and time the next accepted write
          ./qonnect demo --offline                 the planner alone on 9 clusters, and versus the Borda baseline
          ./qonnect delete app bookinfo; ./qonnect federation down; ./qonnect testbed down""");
    return status.getPhase() == ApplicationStatus.Phase.READY ? QonnectMain.OK : QonnectMain.FAILED;
  }

  private static void step(PrintWriter out, PrintWriter err, String... args) {
    int code = QonnectWithTestbed.run(args, out, err);
    if (code != QonnectMain.OK) throw new QonnectMain.UserError("demo stopped: './qonnect " + String.join(" ", args) + "' failed (exit " + code + ")");
  }

  /** Until every member cluster's agent has registered and reported capacity: placing earlier finds nothing. */
  private static void awaitClusters(PrintWriter out, int expected) throws InterruptedException {
    long t0 = System.nanoTime();
    try (LeadAgentsClient client = client()) {
      while (true) {
        long reported = client.call(c -> c.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList().stream()
            .filter(c -> c.getAllocatable().getCpuMillis() > 0).count();
        if (reported >= expected) break;
        if (System.nanoTime() - t0 > READY_TIMEOUT.toNanos()) throw new QonnectMain.UserError("only " + reported + " of " + expected
            + " member clusters reported within " + READY_TIMEOUT.toMinutes() + " min; see the agent logs in " + LocalFederation.defaultWorkDir());
        Thread.sleep(250);
      }
    } catch (StatusRuntimeException e) {
      throw LeadAgentsOptions.userError(e, "demo");
    }
    out.printf(Locale.ROOT, "  all %d member clusters registered and reporting after %.1f s%n", expected, (System.nanoTime() - t0) / 1e9);
  }

  private static LeadAgentsClient client() {
    return new LeadAgentsOptions().connect();
  }

  private static ApplicationStatus awaitReady(PrintWriter out) throws InterruptedException {
    long t0 = System.nanoTime();
    String last = "";
    try (LeadAgentsClient client = client()) {
      while (true) {
        ApplicationStatus s = client.call(c -> c.getApplication(GetApplicationRequest.newBuilder().setName("bookinfo").build()));
        int ready = s.getComponentsList().stream().flatMap(c -> c.getReadyList().stream()).mapToInt(ClusterReplicas::getReplicas).sum();
        int desired = s.getComponentsList().stream().flatMap(c -> c.getDesiredList().stream()).mapToInt(ClusterReplicas::getReplicas).sum();
        String state = String.format(Locale.ROOT, "%s, %d/%d replicas ready", s.getPhase(), ready, desired);
        if (!state.equals(last)) {
          out.printf(Locale.ROOT, "  %5.1f s  %s%n", (System.nanoTime() - t0) / 1e9, state);
          out.flush();
          last = state;
        }
        if (s.getPhase() == ApplicationStatus.Phase.READY) return s;
        if (System.nanoTime() - t0 > READY_TIMEOUT.toNanos()) {
          out.println("  not Ready within " + READY_TIMEOUT.toMinutes() + " min; see ./qonnect describe app bookinfo and the logs in "
              + LocalFederation.defaultWorkDir());
          return s;
        }
        Thread.sleep(250);
      }
    } catch (StatusRuntimeException e) {
      throw LeadAgentsOptions.userError(e, "demo");
    }
  }
}
