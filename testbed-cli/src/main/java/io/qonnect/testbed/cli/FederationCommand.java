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
import io.qonnect.testbed.federation.WanLinks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @Option(names = "--network", paramLabel = "real|loopback", description = {
        "real (default where the machine allows it: cgroup v2 and nft): the agents and the control plane talk over wide-area",
        "links that delay each direction by the testbed's round trips, and the agents measure them; loopback: plain",
        "loopback, no delay (on the first up)"})
    String network = "real";

    @Override
    public Integer call() {
      if (leadAgents != 1 && leadAgents != 3 && leadAgents != 5) throw new QonnectMain.UserError("--lead-agents: 1, 3 or 5, got " + leadAgents);
      if (!network.equals("real") && !network.equals("loopback")) throw new QonnectMain.UserError("--network: real or loopback, got '" + network + "'");
      ClusterSnapshot clusters = inventory == null ? null : parseInventory(inventory);
      PrintWriter out = parent.spec.commandLine().getOut();
      LocalFederation f = parent.federation();
      // the testbed's member clusters, whose agents start here: the control plane joins their wide-area links first
      Testbed testbed = new Testbed(Testbed.defaultWorkDir(), Path.of("/nonexistent"));
      List<String> members = clusters != null ? List.of() : testbed.clusters().stream().map(MemberClusterSpec::name).filter(testbed::running).toList();
      Path wideArea = members.isEmpty() ? null : testbed.inventory();
      out.printf("federation up: knowledge base and %d lead agents in %s%n", leadAgents, f.workDir());
      try {
        if (insecure) f.useInsecure();
        if (network.equals("loopback")) f.useLoopbackNetwork();
        out.println(f.insecure() ? "  plaintext (--insecure): nothing is authenticated or encrypted"
            : "  mutual TLS: a certificate per process from the CA in " + f.pki() + "; the CLI acts as its admin user");
        f.up(leadAgents, List.of(), wideArea, line -> {
          out.println("  " + line);
          out.flush();
        });
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      if (clusters != null) {
        InventorySeeder.seed(clusters, f, Clock.systemUTC(), line -> out.println("  " + line));
      } else if (members.isEmpty()) {
        out.println("  no member clusters: run './qonnect testbed up' first (agents start then), or pass --inventory FILE");
      } else {
        f.upAgents(testbed.kubeconfig(), testbed.inventory(), members, line -> out.println("  " + line));
      }
      out.println("  lead agents: " + String.join(",", f.leadAgentAddresses()) + "   (./qonnect get clusters; ./qonnect apply -f examples/bookinfo.yaml)");
      return QonnectMain.OK;
    }
  }

  /**
   * One row per direction of a wide-area link: its delay and jitter, the round trip the link gives (both directions'
   * delays), and the round trip {@code from}'s agent measured, if the knowledge base has it.
   */
  static List<Map<String, Object>> linkRows(WanLinks links, Map<String, Map<String, Double>> measured, Map<String, Long> lost) {
    List<Map<String, Object>> rows = new ArrayList<>();
    links.byPair().values().stream().sorted(Comparator.comparing(WanLinks.Link::from)
        .thenComparing(WanLinks.Link::to)).forEach(l -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("from", l.from());
          row.put("to", l.to());
          row.put("delayMs", l.delayMs());
          row.put("jitterMs", l.jitterMs());
          row.put("lossPercent", l.lossPercent());
          row.put("packetsLost", lost.getOrDefault(l.from() + " " + l.to(), 0L));
          row.put("linkRttMs", l.delayMs() + links.link(l.to(), l.from()).map(WanLinks.Link::delayMs).orElse(0.0));
          Double rtt = measured.getOrDefault(l.from(), Map.of()).get(l.to());
          if (rtt != null) row.put("measuredRttMs", rtt);
          rows.add(row);
        });
    return rows;
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
      Optional<WanLinks> links = parent.federation().links();
      if (format.structured()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MemberStatus s : status) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("name", s.member().name());
          row.put("role", s.member().role());
          row.put("pid", s.pid());
          row.put("address", s.member().address());
          row.put("running", s.alive());
          parent.federation().metricsAddress(s.member()).ifPresent(a -> row.put("metrics", "http://" + a + "/metrics"));
          if (s.member().role().equals(LocalFederation.LEAD_AGENT)) {
            row.put("leader", s.leads());
            parent.federation().metricsAddress(s.member()).ifPresent(a -> row.put("console", "http://" + a + "/console/"));
          }
          rows.add(row);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("members", rows);
        all.put("network", links.isPresent() ? "wide-area links" : "loopback");
        links.ifPresent(l -> all.put("links", linkRows(l, parent.federation().measuredRtt(), parent.federation().packetsLost())));
        out.print(format.write(all));
      } else {
        out.printf("%-16s %-16s %8s %-22s %-8s %s%n", "NAME", "ROLE", "PID", "ADDRESS", "STATE", "LEADER");
        for (MemberStatus s : status) {
          out.printf("%-16s %-16s %8s %-22s %-8s %s%n", s.member().name(), s.member().role(), s.alive() ? s.pid() : "-", s.member().address(),
              s.alive() ? "running" : "stopped", s.member().role().equals(LocalFederation.LEAD_AGENT) ? (s.leads() ? "yes" : "no") : "");
        }
        status.stream().filter(s -> s.member().role().equals(LocalFederation.LEAD_AGENT) && s.alive() && s.leads()).findFirst()
            .flatMap(s -> parent.federation().metricsAddress(s.member()))
            .ifPresent(a -> out.println("\nconsole: http://" + a + "/console/ (the leader's; './qonnect console' prints a link with your token)"));
        if (links.isEmpty()) {
          out.println("\nnetwork: loopback (the agents' round trips are loopback's)");
        } else {
          out.println("\nnetwork: wide-area links between member clusters and the control plane (each direction delayed by the relay;"
              + " the agents measure theirs to each other)");
          out.printf("%-16s %-16s %10s %10s %8s %14s %14s %13s%n", "FROM", "TO", "DELAY ms", "JITTER ms", "LOSS %", "LINK RTT ms", "MEASURED ms",
              "PACKETS LOST");
          for (Map<String, Object> row : linkRows(links.get(), parent.federation().measuredRtt(), parent.federation().packetsLost())) {
            out.printf("%-16s %-16s %10.1f %10.1f %8.1f %14.1f %14s %13d%n", row.get("from"), row.get("to"), row.get("delayMs"), row.get("jitterMs"),
                row.get("lossPercent"), row.get("linkRttMs"),
                row.containsKey("measuredRttMs") ? String.format(java.util.Locale.ROOT, "%.1f", (Double) row.get("measuredRttMs")) : "-", row.get("packetsLost"));
          }
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
