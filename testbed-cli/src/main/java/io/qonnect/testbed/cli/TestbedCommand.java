package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import io.qonnect.cli.OutputFormat;
import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.Testbed;
import io.qonnect.testbed.cluster.TestbedBinaries;
import io.qonnect.testbed.cluster.TestbedException;
import io.qonnect.testbed.federation.LocalFederation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qonnect testbed …}: real Kubernetes member clusters on this machine. */
@Command(name = "testbed", description = "Real Kubernetes member clusters on this machine (kube-apiserver, etcd, controller-manager, scheduler, KWOK nodes).",
    subcommands = {TestbedCommand.Up.class, TestbedCommand.Status.class, TestbedCommand.Down.class, TestbedCommand.Kubeconfig.class,
        TestbedCommand.Stop.class, TestbedCommand.Start.class, TestbedCommand.NodeNotReady.class, TestbedCommand.NodeReady.class})
final class TestbedCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", description = "work directory (default $QONNECT_TESTBED_DIR or ~/.qonnect/testbed)")
  Path dir;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  Testbed testbed(boolean needBinaries) {
    Path work = dir != null ? dir : Testbed.defaultWorkDir();
    return new Testbed(work, needBinaries ? TestbedBinaries.locate() : Path.of("/nonexistent"));
  }

  /** Runs an action, turning testbed failures into one-line user errors. */
  static int guarded(Callable<Integer> action) throws Exception {
    try {
      return action.call();
    } catch (TestbedException | IllegalArgumentException e) {
      throw new QonnectMain.UserError(e.getMessage());
    }
  }

  @Command(name = "up", description = "Create (or start) the member clusters; idempotent. Writes a kubeconfig and a ClusterInventory.")
  static final class Up implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Option(names = "--clusters", description = "layout, e.g. cloud=3,fog=3,edge=3 (default cloud=1,fog=1,edge=1)")
    String layout = "cloud=1,fog=1,edge=1";

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        PrintWriter out = parent.spec.commandLine().getOut();
        List<MemberClusterSpec> clusters = MemberClusterSpec.parseLayout(layout);
        Testbed t = parent.testbed(true);
        long t0 = System.nanoTime();
        out.printf("testbed up: %d member clusters in %s%n", clusters.size(), t.workDir());
        t.up(clusters, line -> {
          out.println("  " + line);
          out.flush();
        });
        out.printf("all %d ready in %.1f s%n", clusters.size(), (System.nanoTime() - t0) / 1e9);
        out.println("  kubeconfig: " + t.kubeconfig() + "   (kubectl --kubeconfig " + t.kubeconfig() + " --context " + clusters.getFirst().name() + " get nodes)");
        out.println("  inventory:  " + t.inventory() + "   (./qonnect plan -f examples/bookinfo.yaml --inventory " + t.inventory() + ")");
        return QonnectMain.OK;
      });
    }
  }

  @Command(name = "status", description = "List the member clusters: running or not, API server, nodes Ready, memory.")
  static final class Status implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Option(names = {"-o", "--output"}, description = "json or yaml (default: table)")
    String output = "text";

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        PrintWriter out = parent.spec.commandLine().getOut();
        OutputFormat format = OutputFormat.parse(output);
        List<Testbed.ClusterStatus> status = parent.testbed(false).status();
        if (format.structured()) {
          Map<String, Object> doc = new LinkedHashMap<>();
          doc.put("clusters", status);
          out.print(format.write(doc));
          return QonnectMain.OK;
        }
        if (status.isEmpty()) {
          out.println("no testbed (run ./qonnect testbed up)");
          return QonnectMain.OK;
        }
        out.printf("%-10s %-6s %-11s %-8s %-24s %-7s %s%n", "NAME", "TIER", "REGION", "STATE", "SERVER", "NODES", "RSS");
        for (Testbed.ClusterStatus s : status) {
          String nodes = s.nodes() < 0 ? "-" : s.nodesReady() + "/" + s.nodes();
          out.printf("%-10s %-6s %-11s %-8s %-24s %-7s %d MiB%n", s.name(), s.tier(), s.region(), s.running() ? "Running" : "Stopped",
              s.server(), nodes, s.rssMiB());
        }
        out.println(LocalFederation.local(LocalFederation.defaultWorkDir()).links()
            .map(l -> "\nnetwork: wide-area links, " + l.byPair().size() + " directions between the member clusters and the control plane"
                + " (each with its delay, loss and measured round trip: ./qonnect federation status)")
            .orElse("\nnetwork: no federation on wide-area links (./qonnect federation up puts one there)"));
        return QonnectMain.OK;
      });
    }
  }

  @Command(name = "down", description = "Delete every member cluster and the work directory.")
  static final class Down implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        PrintWriter out = parent.spec.commandLine().getOut();
        Testbed t = parent.testbed(true);
        t.down(line -> out.println("  " + line));
        out.println("testbed down: removed " + t.workDir());
        return QonnectMain.OK;
      });
    }
  }

  @Command(name = "kubeconfig", description = "Print the path of the kubeconfig with one context per member cluster.")
  static final class Kubeconfig implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Override
    public Integer call() {
      Testbed t = parent.testbed(false);
      if (t.clusters().isEmpty()) throw new QonnectMain.UserError("no testbed (run ./qonnect testbed up)");
      parent.spec.commandLine().getOut().println(t.kubeconfig());
      return QonnectMain.OK;
    }
  }

  @Command(name = "stop", description = "Stop a member cluster (its API server stops answering; its objects are kept).")
  static final class Stop implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Parameters(description = "member cluster, e.g. edge-1")
    String name;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        parent.testbed(true).stop(name);
        parent.spec.commandLine().getOut().println(name + " stopped");
        return QonnectMain.OK;
      });
    }
  }

  @Command(name = "start", description = "Start a stopped member cluster and wait until its API server answers.")
  static final class Start implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Parameters(description = "member cluster, e.g. edge-1")
    String name;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        parent.testbed(true).start(name);
        parent.spec.commandLine().getOut().println(name + " started");
        return QonnectMain.OK;
      });
    }
  }

  @Command(name = "node-notready", description = "Stop a node's simulated kubelet: the node turns NotReady after the 8 s grace period.")
  static final class NodeNotReady implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Parameters(index = "0", description = "member cluster") String cluster;
    @Parameters(index = "1", description = "node, e.g. edge-1-node-1") String node;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        parent.testbed(false).setNodeReady(cluster, node, false);
        parent.spec.commandLine().getOut().println(cluster + "/" + node + ": kubelet stopped (NotReady within ~8 s)");
        return QonnectMain.OK;
      });
    }
  }

  @Command(name = "node-ready", description = "Resume a node's simulated kubelet: Ready again within a second or two.")
  static final class NodeReady implements Callable<Integer> {
    @ParentCommand TestbedCommand parent;

    @Parameters(index = "0", description = "member cluster") String cluster;
    @Parameters(index = "1", description = "node, e.g. edge-1-node-1") String node;

    @Override
    public Integer call() throws Exception {
      return guarded(() -> {
        parent.testbed(false).setNodeReady(cluster, node, true);
        parent.spec.commandLine().getOut().println(cluster + "/" + node + ": kubelet resumed");
        return QonnectMain.OK;
      });
    }
  }
}
