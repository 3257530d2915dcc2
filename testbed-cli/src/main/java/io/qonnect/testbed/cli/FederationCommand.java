package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import io.qonnect.cli.OutputFormat;
import io.qonnect.cli.SpecFiles;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.Testbed;
import io.qonnect.testbed.federation.InventorySeeder;
import io.qonnect.testbed.federation.LocalFederation;
import io.qonnect.testbed.federation.LocalFederation.MemberStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code qonnect federation up|status|down}: the control plane as separate processes on this machine. */
@Command(name = "federation", description = "Run the control plane locally: the knowledge base and the lead agents as separate processes on 127.0.0.1.",
    subcommands = {FederationCommand.Up.class, FederationCommand.Status.class, FederationCommand.Down.class})
final class FederationCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", description = "work directory (default $QONNECT_FEDERATION_DIR or ~/.qonnect/federation)")
  Path dir;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  LocalFederation federation() {
    return LocalFederation.local(dir != null ? dir : LocalFederation.defaultWorkDir());
  }

  @Command(name = "up", description = {"Start the knowledge base and the lead agents (idempotent; data from an earlier run is kept),",
      "and a resource agent per running testbed member cluster."})
  static final class Up implements Callable<Integer> {
    @ParentCommand FederationCommand parent;

    @Option(names = "--lead-agents", description = "1, 3 or 5 (default 3)")
    int leadAgents = 3;

    @Option(names = "--insecure", description = "plaintext everywhere, no certificates (only on the first up of a work directory)")
    boolean insecure;

    @Option(names = "--inventory", description = "report this ClusterInventory as if agents had (planning without member clusters)")
    Path inventory;

    @Override
    public Integer call() {
      if (leadAgents != 1 && leadAgents != 3 && leadAgents != 5) throw new QonnectMain.UserError("--lead-agents: 1, 3 or 5, got " + leadAgents);
      ClusterSnapshot clusters = inventory == null ? null : parseInventory(inventory);
      PrintWriter out = parent.spec.commandLine().getOut();
      LocalFederation f = parent.federation();
      out.printf("federation up: knowledge base and %d lead agents in %s%n", leadAgents, f.workDir());
      try {
        if (insecure) f.useInsecure();
        out.println(f.insecure() ? "  plaintext (--insecure): nothing is authenticated or encrypted"
            : "  mutual TLS: a certificate per process from the CA in " + f.pki() + "; the CLI acts as its admin user");
        f.up(leadAgents, List.of(), line -> {
          out.println("  " + line);
          out.flush();
        });
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      if (clusters != null) {
        InventorySeeder.seed(clusters, f, Clock.systemUTC(), line -> out.println("  " + line));
      } else {
        Testbed testbed = new Testbed(Testbed.defaultWorkDir(), Path.of("/nonexistent"));
        List<String> members = testbed.clusters().stream().map(MemberClusterSpec::name).filter(testbed::running).toList();
        if (members.isEmpty()) {
          out.println("  no member clusters: run './qonnect testbed up' first (agents start then), or pass --inventory FILE");
        } else {
          f.upAgents(testbed.kubeconfig(), testbed.inventory(), members, line -> out.println("  " + line));
          out.println("  latency: agents measure RTTs to each other and add the testbed's wide-area model (loopback has no geography)");
        }
      }
      out.println("  lead agents: " + String.join(",", f.leadAgentAddresses()) + "   (./qonnect get clusters; ./qonnect apply -f examples/bookinfo.yaml)");
      return QonnectMain.OK;
    }
  }

  static ClusterSnapshot parseInventory(Path file) {
    return switch (new InventoryParser().parse(SpecFiles.read(file))) {
      case Parsed.Valid<ClusterSnapshot> v -> v.value();
      case Parsed.Invalid<ClusterSnapshot> i -> throw new QonnectMain.UserError(file + ": invalid inventory: " + i.violations().getFirst().format(file.toString()));
    };
  }

  @Command(name = "status", description = "Every process of the federation: role, pid, address, and which lead agent leads.")
  static final class Status implements Callable<Integer> {
    @ParentCommand FederationCommand parent;

    @Option(names = {"-o", "--output"}, description = "json or yaml (default: table)")
    String output = "text";

    @Override
    public Integer call() {
      OutputFormat format = OutputFormat.parse(output);
      List<MemberStatus> status = parent.federation().status();
      PrintWriter out = parent.spec.commandLine().getOut();
      if (status.isEmpty()) {
        out.println("no federation in " + parent.federation().workDir() + " (./qonnect federation up)");
        return QonnectMain.OK;
      }
      if (format.structured()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MemberStatus s : status) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("name", s.member().name());
          row.put("role", s.member().role());
          row.put("pid", s.pid());
          row.put("address", s.member().address());
          row.put("running", s.alive());
          if (s.member().role().equals(LocalFederation.LEAD_AGENT)) row.put("leader", s.leads());
          rows.add(row);
        }
        out.print(format.write(rows));
      } else {
        out.printf("%-16s %-16s %8s %-22s %-8s %s%n", "NAME", "ROLE", "PID", "ADDRESS", "STATE", "LEADER");
        for (MemberStatus s : status) {
          out.printf("%-16s %-16s %8s %-22s %-8s %s%n", s.member().name(), s.member().role(), s.alive() ? s.pid() : "-", s.member().address(),
              s.alive() ? "running" : "stopped", s.member().role().equals(LocalFederation.LEAD_AGENT) ? (s.leads() ? "yes" : "no") : "");
        }
      }
      out.flush();
      return QonnectMain.OK;
    }
  }

  @Command(name = "down", description = "Stop every process; data is kept unless --wipe.")
  static final class Down implements Callable<Integer> {
    @ParentCommand FederationCommand parent;

    @Option(names = "--wipe", description = "also delete all data (specs, placements, observations)")
    boolean wipe;

    @Override
    public Integer call() {
      PrintWriter out = parent.spec.commandLine().getOut();
      parent.federation().down(wipe, line -> out.println("  " + line));
      out.println("federation down" + (wipe ? " (data wiped)" : " (data kept; 'up' resumes it)"));
      return QonnectMain.OK;
    }
  }
}
