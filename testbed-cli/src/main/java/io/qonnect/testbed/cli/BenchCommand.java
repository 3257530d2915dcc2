package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import io.qonnect.cli.LeadAgentsOptions;
import io.qonnect.cli.SpecFiles;
import io.qonnect.testbed.bench.FederationBench;
import io.qonnect.testbed.bench.PlacementBench;
import io.qonnect.testbed.bench.TestbedBench;
import io.qonnect.testbed.cluster.TestbedBinaries;
import io.qonnect.testbed.cluster.TestbedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = {"Measure and record (reports, never pass/fail):",
    "  bench placement  engine latency on random instances, and quality versus the Borda baseline",
    "  bench testbed    member clusters: time to come up (warm), memory, idle CPU",
    "  bench federation lead agents: submissions committed per second, commit latency, leader kill -9 → next write",
    "  bench ready      submit → every replica Ready, on the running federation and testbed (-f SPEC, --runs)",
    "  bench scale      lead agents with many simulated member clusters: registration, commits, steady-state CPU, failover, leader kill",
    "                   (--clusters N --apps M [--fail K] [--components C])",
    "  bench agent      the resource agent on a member cluster with many pods: memory and idle CPU (--pods N, --idle-seconds S)"})
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "what to measure: placement or testbed")
  String what;

  @Option(names = "--clusters", description = "placement: cluster counts (default 100,1000); testbed: layouts separated by ';' (default cloud=1;cloud=1,fog=1,edge=1;cloud=3,fog=3,edge=3); scale: simulated member clusters (default 1000)")
  String clusterOption;

  @Option(names = "--idle-seconds", description = "testbed: idle window for the CPU measurement (default 30)")
  int idleSeconds = 30;

  @Option(names = "--components", description = "components per application (default 20; scale: 3)")
  Integer components;

  @Option(names = "--instances", description = "random instances per size (default 10)")
  int instances = 10;

  @Option(names = "--runs", description = "timed runs per instance (default 50)")
  int runs = 50;

  @Option(names = "--warmup", description = "untimed runs per instance first (default 20)")
  int warmup = 20;

  @Option(names = "--seed", description = "seed of the random instances (default 1)")
  long seed = 1;

  @Option(names = "--submissions", description = "federation: applications submitted (default 5000)")
  int submissions = 5000;

  @Option(names = "--writers", description = "federation: concurrent clients (default 32)")
  int writers = 32;

  @Option(names = "--kills", description = "federation: leader kill -9 rounds (default 20); scale: 0-20 (default 1)")
  Integer killsOption;

  @Option(names = "--transport", description = "federation: tls (default), insecure, or both (one after the other, side by side in the report)")
  String transport = "tls";

  @Option(names = "--storm", description = "federation: fresh clients connecting at once, for the reconnect storm (default 200, 0: none)")
  int storm = 200;

  @Option(names = "--pods", description = "agent: pods other workloads run in the member cluster (default 5000)")
  int pods = 5000;

  @Option(names = "--apps", description = "scale: applications submitted (default 10000)")
  int apps = 10_000;

  @Option(names = "--fail", description = "scale: member clusters failed one after the other, each the one holding the most components (default 1)")
  int fail = 1;

  @Option(names = "--node-scale", description = "scale: each simulated member cluster has this many times its tier's nodes, cloud 4, fog 3, edge 2 (default 1)")
  Integer nodeScaleOption;

  @Option(names = "--complete-states", description = "scale: the simulated agents ask for complete desired states, as agents before 0.8 (to compare with deltas)")
  boolean completeStates;

  @Option(names = "--rate", description = "federation: open loop, submissions offered per second whatever the answers (default 0: closed loop with --writers)")
  int rate;

  @Option(names = "--seconds", description = "federation, open loop: seconds measured (default 20), after --warmup-seconds (default 10) at the same rate")
  int seconds = 20;

  @Option(names = "--warmup-seconds", description = "federation, open loop: seconds offered at --rate before the measurement (default 10)")
  int warmupSeconds = 10;

  @Option(names = {"-f", "--file"}, description = "ready: the application to submit (default examples/bookinfo.yaml)")
  Path file;

  @Option(names = "--bundle", paramLabel = "TIER=FILE", description = "ready: the reference format's manifest bundle of a tier")
  java.util.Map<String, Path> bundles = new java.util.LinkedHashMap<>();

  @Mixin LeadAgentsOptions leadAgents;

  @Option(names = "--out", description = "also write the Markdown report to this file")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (what.equals("testbed")) return benchTestbed();
    if (what.equals("federation")) return benchFederation();
    if (what.equals("ready")) return benchReady();
    if (what.equals("scale")) return benchScale();
    if (what.equals("agent")) return benchAgent();
    if (!what.equals("placement")) throw new QonnectMain.UserError("bench " + what + ": use placement, testbed, federation, ready, scale or agent");
    List<Integer> clusters;
    try {
      clusters = clusterOption == null ? List.of(100, 1000) : java.util.Arrays.stream(clusterOption.split(",")).map(String::strip).map(Integer::valueOf).toList();
    } catch (NumberFormatException e) {
      throw new QonnectMain.UserError("--clusters " + clusterOption + ": give cluster counts such as 100,1000");
    }
    int components = this.components == null ? 20 : this.components;
    if (clusters.stream().anyMatch(n -> n < 1 || n > 5000) || components < 1 || components > 100 || instances < 1 || runs < 1 || warmup < 0) {
      throw new QonnectMain.UserError("--clusters must be 1..5000, --components 1..100, --instances and --runs at least 1");
    }
    var config = new PlacementBench.Config(clusters, components, instances, warmup, runs, seed);
    var w = spec.commandLine().getOut();
    w.println("bench placement: " + instances + " instances per size, " + warmup + " warm-up + " + runs + " timed runs each");
    var results = new PlacementBench().run(config, spec.commandLine().getErr());
    String command = "./qonnect bench placement --clusters " + String.join(",", clusters.stream().map(String::valueOf).toList())
        + " --components " + components + " --instances " + instances + " --runs " + runs + " --warmup " + warmup + " --seed " + seed;
    write(PlacementBench.report(config, results, command));
    return QonnectMain.OK;
  }

  private int benchTestbed() throws IOException {
    List<String> layouts = List.of((clusterOption == null ? "cloud=1;cloud=1,fog=1,edge=1;cloud=3,fog=3,edge=3" : clusterOption).split(";"));
    var w = spec.commandLine().getOut();
    List<TestbedBench.Result> results = new java.util.ArrayList<>();
    try {
      var bin = TestbedBinaries.locate();
      for (String layout : layouts) {
        w.println("bench testbed: " + layout);
        w.flush();
        results.add(new TestbedBench().run(layout.strip(), bin, idleSeconds, w));
      }
    } catch (TestbedException | IllegalArgumentException e) {
      throw new QonnectMain.UserError(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QonnectMain.UserError("interrupted");
    }
    write(TestbedBench.report(results, "./qonnect bench testbed --clusters '" + String.join(";", layouts) + "' --idle-seconds " + idleSeconds));
    return QonnectMain.OK;
  }

  private int benchFederation() throws IOException {
    int kills = killsOption == null ? 20 : killsOption;
    if (submissions < 1 || writers < 1 || writers > 256 || kills < 0) throw new QonnectMain.UserError("--submissions, --writers (1-256) and --kills must be positive");
    if (storm < 0 || storm > 2000) throw new QonnectMain.UserError("--storm: 0-2000, got " + storm);
    if (rate < 0 || rate > 100_000) throw new QonnectMain.UserError("--rate: 0-100000 submissions per second, got " + rate);
    if (seconds < 1 || seconds > 3600 || warmupSeconds < 0 || warmupSeconds > 600) {
      throw new QonnectMain.UserError("--seconds (1-3600) and --warmup-seconds (0-600): got " + seconds + " and " + warmupSeconds);
    }
    List<Boolean> insecureRuns = switch (transport) {
      case "tls" -> List.of(false);
      case "insecure" -> List.of(true);
      case "both" -> List.of(true, false);
      default -> throw new QonnectMain.UserError("--transport: tls, insecure or both, got '" + transport + "'");
    };
    var w = spec.commandLine().getErr();
    List<String> jvm = io.qonnect.testbed.federation.LocalFederation.defaultJvmOptions();
    try {
      List<FederationBench.Result> results = new ArrayList<>();
      for (boolean insecure : insecureRuns) {
        String load = rate > 0 ? rate + " submissions/s offered for " + seconds + " s" : submissions + " submissions, " + writers + " writers";
        w.println("bench federation (" + (insecure ? "plaintext" : "mutual TLS") + "): " + load + ", " + storm + " fresh clients at once, " + kills + " leader kills");
        results.add(new FederationBench().run(new FederationBench.Config(submissions, writers, kills, jvm, insecure, storm, rate, seconds, warmupSeconds),
            System.getProperty("java.class.path"), w));
      }
      String load = rate > 0 ? " --rate " + rate + " --seconds " + seconds + " --warmup-seconds " + warmupSeconds : " --submissions " + submissions + " --writers " + writers;
      write(FederationBench.report(results, "./qonnect bench federation" + load + " --kills " + kills + " --storm " + storm + " --transport " + transport));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QonnectMain.UserError("interrupted");
    }
    return QonnectMain.OK;
  }

  private int benchScale() throws IOException {
    int clusters;
    try {
      clusters = clusterOption == null ? 1000 : Integer.parseInt(clusterOption.strip());
    } catch (NumberFormatException e) {
      throw new QonnectMain.UserError("--clusters " + clusterOption + ": give one number of simulated member clusters, e.g. 1000");
    }
    int perApp = components == null ? 3 : components;
    if (clusters < 1 || clusters > 5000) throw new QonnectMain.UserError("--clusters: 1-5000, got " + clusters);
    if (apps < 1 || apps > 100_000) throw new QonnectMain.UserError("--apps: 1-100000, got " + apps);
    if (perApp < 1 || perApp > 50) throw new QonnectMain.UserError("--components: 1-50, got " + perApp);
    if (fail < 0 || fail >= clusters) throw new QonnectMain.UserError("--fail: 0 to one less than --clusters, got " + fail);
    int kills = killsOption == null ? 1 : killsOption;
    if (kills < 0 || kills > 20) throw new QonnectMain.UserError("--kills for scale: 0-20, got " + kills);
    if (writers < 1 || writers > 256) throw new QonnectMain.UserError("--writers: 1-256, got " + writers);
    int nodeScale = nodeScaleOption == null ? 1 : nodeScaleOption;
    if (nodeScale < 1 || nodeScale > 100) throw new QonnectMain.UserError("--node-scale: 1-100, got " + nodeScale);
    var w = spec.commandLine().getErr();
    w.println("bench scale: " + clusters + " simulated member clusters, " + apps + " applications of " + perApp + " components, " + fail
        + " failed cluster(s), " + kills + " leader kill(s)");
    var config = new io.qonnect.testbed.scale.ScaleBench.Config(clusters, apps, perApp, fail, kills, writers, 30,
        new io.qonnect.testbed.scale.SimulatedAgents.Config(clusters, 2000, 1000, 5000, !completeStates, nodeScale), io.qonnect.testbed.federation.LocalFederation.defaultJvmOptions(),
        Math.max(300_000, apps * 120L));
    try {
      var result = new io.qonnect.testbed.scale.ScaleBench(w).run(config, System.getProperty("java.class.path"));
      write(io.qonnect.testbed.scale.ScaleBench.report(result, "./qonnect bench scale --clusters " + clusters + " --apps " + apps + " --components " + perApp
          + " --fail " + fail + " --kills " + kills + " --writers " + writers + (nodeScale > 1 ? " --node-scale " + nodeScale : "")
          + (completeStates ? " --complete-states" : "")));
      return result.problems().isEmpty() ? QonnectMain.OK : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QonnectMain.UserError("interrupted");
    }
  }

  private int benchAgent() throws IOException {
    if (pods < 1 || pods > 50_000) throw new QonnectMain.UserError("--pods: 1-50000, got " + pods);
    if (idleSeconds < 5 || idleSeconds > 3600) throw new QonnectMain.UserError("--idle-seconds: 5-3600, got " + idleSeconds);
    var w = spec.commandLine().getErr();
    w.println("bench agent: a member cluster with " + pods + " pods qonnect does not manage, then its agent at rest for " + idleSeconds + " s");
    try {
      var result = new io.qonnect.testbed.bench.AgentFootprintBench().run(TestbedBinaries.locate(), pods, idleSeconds, w);
      write(io.qonnect.testbed.bench.AgentFootprintBench.report(result, "./qonnect bench agent --pods " + pods + " --idle-seconds " + idleSeconds));
    } catch (TestbedException | IllegalStateException e) {
      throw new QonnectMain.UserError("bench agent: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QonnectMain.UserError("interrupted");
    }
    return QonnectMain.OK;
  }

  private int benchReady() throws IOException {
    Path specFile = file != null ? file : Path.of(System.getenv().getOrDefault("QONNECT_HOME", ".")).resolve("examples/bookinfo.yaml");
    SpecFiles.Loaded loaded = SpecFiles.load(List.of(specFile), bundles).getFirst();
    String yaml = loaded.document();
    String name = switch (loaded.parsed()) {
      case io.qonnect.placement.spec.Parsed.Valid<io.qonnect.placement.spec.QosSpec> v -> v.value().name();
      case io.qonnect.placement.spec.Parsed.Invalid<io.qonnect.placement.spec.QosSpec> i ->
          throw new QonnectMain.UserError(specFile + ": invalid: " + i.violations().getFirst().format(specFile.toString()));
    };
    int n = runs == 50 ? 20 : runs; // --runs defaults to the placement bench's 50; 20 here
    var w = spec.commandLine().getErr();
    w.println("bench ready: " + n + " submissions of " + name + " (each under a fresh name), each until Ready, then deleted");
    try (var client = leadAgents.connect()) {
      var result = new io.qonnect.testbed.bench.ReadyBench().run(client, yaml, name, n, w);
      String bundleArgs = bundles.entrySet().stream().map(e -> " --bundle " + e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining());
      write(io.qonnect.testbed.bench.ReadyBench.report(result, "./qonnect bench ready -f " + specFile + bundleArgs + " --runs " + n, name));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QonnectMain.UserError("interrupted");
    }
    return QonnectMain.OK;
  }

  private void write(String report) throws IOException {
    var w = spec.commandLine().getOut();
    w.print(report);
    if (out != null) {
      if (out.getParent() != null) Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      w.println("report written to " + out);
    }
  }
}
