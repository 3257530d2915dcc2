package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import io.qonnect.cli.LeadAgentsOptions;
import io.qonnect.cli.SpecFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.Testbed;
import io.qonnect.testbed.cluster.TestbedBinaries;
import io.qonnect.testbed.drill.Drill;
import io.qonnect.testbed.drill.DrillReport;
import io.qonnect.testbed.drill.DrillRunner;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.testbed.linearizability.HistoryFile;
import io.qonnect.testbed.linearizability.HistoryRecorder;
import io.qonnect.testbed.linearizability.Operation;
import io.qonnect.testbed.linearizability.LinearizabilityChecker;
import io.qonnect.testbed.federation.LocalFederation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qonnect drill KIND [args]}: inject a failure into the local federation on the testbed and measure what happens. */
@Command(name = "drill", description = {
    "Inject a failure or change into the running federation on the testbed, time detection, decision and recovery,",
    "heal, and check the invariants. Prints a timeline; writes a JSON report to the results directory.",
    "Kinds: cluster-down CLUSTER | agent-kill CLUSTER | leader-kill | node-notready CLUSTER NODE |",
    "       price-change CLUSTER FACTOR | partition[-out|-in] CLUSTER (packets dropped; one way: -out unheard, -in deaf) |",
    "       isolate-lead leader|follower|lead-N (Raft packets dropped) | isolate-cluster CLUSTER (from everyone) |",
    "       latency CLUSTER MS (added to each of its round trips on the wide-area links) |",
    "       pause PROCESS SECONDS (SIGSTOP: leader, lead-N, agent-CLUSTER) |",
    "       random --count N --seed S",
    "'drill summary [--plot FILE.svg]' prints p50/p99 per drill kind and interval over the reports in the results directory.",
    "Without applications, examples/bookinfo.yaml and examples/ledger.yaml (with a singleton) are applied first."})
final class DrillCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Parameters(arity = "1..*", paramLabel = "KIND [ARGS]", description = "the drill and its arguments")
  List<String> words;

  @Option(names = "--results", paramLabel = "DIR", description = "where JSON reports go (default: results/)")
  Path results = Path.of("results");

  @Option(names = "--plot", paramLabel = "FILE.svg", description = "summary: also draw every drill's timeline (injected → detected → committed → recovered) as SVG")
  Path plot;

  @Option(names = "--repeat", description = "run the drill this many times (default 1)")
  int repeat = 1;

  @Option(names = "--count", description = "random: how many drills (default 10)")
  int count = 10;

  @Option(names = "--seed", description = "random: the seed that picks them (default 1)")
  long seed = 1;

  @Option(names = "--budget", paramLabel = "SECONDS", description = "how long recovery and settling may take (default 60)")
  int budgetSeconds = 60;

  @Option(names = "--check-linearizable", description = {
      "meanwhile, 3 clients apply, describe and delete 4 applications (lin-0..lin-3) of their own and record every call;",
      "afterwards the history is checked against a register per application (Wing-Gong/Porcupine) and the anomalies printed"})
  boolean checkLinearizable;

  @Option(names = "--settle", paramLabel = "SECONDS",
      description = "no placement change for this long before a drill starts (default 15: above the lead agents' 10 s migration hold)")
  int settleSeconds = 15;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (words.getFirst().equals("summary")) {
      out.print(DrillSummary.markdown(results));
      if (plot != null) {
        List<com.fasterxml.jackson.databind.JsonNode> reports = DrillSummary.reports(results);
        Files.writeString(plot, DrillPlot.svg(reports));
        out.printf("plot of %d drills: %s%n", reports.size(), plot);
      }
      return QonnectMain.OK;
    }
    if (repeat < 1) throw new QonnectMain.UserError("--repeat: must be at least 1");
    boolean random = words.getFirst().equals("random");
    if (random && words.size() > 1) throw new QonnectMain.UserError("random takes --count and --seed, not arguments");
    if (count < 1) throw new QonnectMain.UserError("--count: must be at least 1");
    Drill single;
    try {
      single = random ? null : Drill.parse(words);
    } catch (IllegalArgumentException e) {
      throw new QonnectMain.UserError(e.getMessage());
    }
    Testbed testbed = new Testbed(Testbed.defaultWorkDir(), TestbedBinaries.locate()); // stop/start and node conditions run kwokctl
    List<String> clusters = testbed.clusters().stream().map(MemberClusterSpec::name).filter(testbed::running).toList();
    if (clusters.isEmpty()) throw new QonnectMain.UserError("no member clusters running: './qonnect testbed up' and './qonnect federation up' first");
    LocalFederation federation = LocalFederation.local(LocalFederation.defaultWorkDir());
    try (LeadAgentsClient client = leadAgents.connect();
        DrillRunner runner = new DrillRunner(testbed, federation, client, budgetSeconds * 1000L, settleSeconds * 1000L, line -> {
          out.println(line);
          out.flush();
        })) {
      ensureApplications(client, out);
      runner.acknowledgeExisting();
      LeadAgentsClient historyClient = checkLinearizable ? leadAgents.connect() : null;
      HistoryRecorder recorder = checkLinearizable ? new HistoryRecorder(historyClient, 3, 4, seed, System::nanoTime) : null;
      try {
        boolean invariantsHeld = drills(runner, clusters, single, random, out);
        boolean linearizable = recorder == null || linearizable(recorder, out);
        return invariantsHeld && linearizable ? QonnectMain.OK : QonnectMain.FAILED;
      } finally {
        if (recorder != null) {
          recorder.close(); // a drill cut short: its clients stop, and their applications go
          recorder.removeAll();
          historyClient.close();
        }
      }
    }
  }

  /** Runs the drills, prints each one's timeline and report; whether every one kept the invariants. */
  private boolean drills(DrillRunner runner, List<String> clusters, Drill single, boolean random, PrintWriter out) throws Exception {
    List<DrillReport> reports = new ArrayList<>();
    Random picker = new Random(seed);
    for (int i = 0; i < (random ? count : repeat); i++) {
      Drill drill;
      try {
        drill = random ? Drill.random(picker, clusters, c -> runner.kube(c).nodes().list().getItems().getFirst().getMetadata().getName()) : single;
      } catch (RuntimeException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      out.printf("drill %d: %s%s%n", i + 1, drill.kind(), drill.cluster().isEmpty() ? "" : " " + drill.cluster());
      DrillReport report;
      try {
        report = runner.run(drill);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new QonnectMain.UserError(e.getMessage());
      }
      reports.add(report);
      Path file = write(report.drill() + "-" + report.startedUnixMillis(), report);
      out.printf("  intervals (s): %s; violations: %d; report %s%n", report.intervalsSeconds(), report.violations().size(), file);
      report.violations().forEach(v -> out.println("  VIOLATION " + v));
    }
    if (random) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("drill", "random");
      summary.put("seed", seed);
      summary.put("count", reports.size());
      summary.put("violations", reports.stream().flatMap(r -> r.violations().stream().map(v -> r.drill() + ": " + v)).toList());
      summary.put("reports", reports);
      Path file = write("random-" + seed + "-" + Instant.now().toEpochMilli(), summary);
      out.printf("random: %d drills, %d violations; report %s%n", reports.size(), ((List<?>) summary.get("violations")).size(), file);
    }
    return reports.stream().allMatch(r -> r.violations().isEmpty());
  }

  /** Stops the history's clients, checks what they recorded, prints it and writes it beside the reports. */
  private boolean linearizable(HistoryRecorder recorder, PrintWriter out) throws InterruptedException, IOException {
    List<Operation> history = recorder.stop();
    Files.createDirectories(results);
    Path file = results.resolve("history-" + Instant.now().toEpochMilli() + ".tsv");
    HistoryFile.write(file, history);
    LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
    out.printf("linearizability: %d operations on %d applications checked, %d anomalies; history %s%n", result.operations(), result.keys(),
        result.anomalies().size(), file);
    result.anomalies().forEach((key, ops) -> {
      out.println("  ANOMALY " + key + ": no order of these calls is a register's history:");
      ops.forEach(op -> out.println("    " + op));
    });
    return result.linearizable();
  }

  private void ensureApplications(LeadAgentsClient client, PrintWriter out) throws InterruptedException {
    if (client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsCount() > 0) return;
    Path examples = Path.of(System.getenv().getOrDefault("QONNECT_HOME", ".")).resolve("examples");
    for (String name : List.of("bookinfo.yaml", "ledger.yaml")) {
      String yaml = SpecFiles.read(examples.resolve(name));
      client.apply(ApplyRequest.newBuilder().setSpecYaml(yaml).build());
      out.println("applied examples/" + name);
    }
    long deadline = System.currentTimeMillis() + budgetSeconds * 1000L;
    while (!client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList().stream()
        .allMatch(a -> a.getPhase() == ApplicationStatus.Phase.READY)) {
      if (System.currentTimeMillis() > deadline) throw new QonnectMain.UserError("the applications did not become Ready within " + budgetSeconds + " s");
      Thread.sleep(250);
    }
    out.println("applications Ready");
  }

  private Path write(String name, Object report) {
    try {
      Files.createDirectories(results);
      Path file = results.resolve(name + ".json");
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
