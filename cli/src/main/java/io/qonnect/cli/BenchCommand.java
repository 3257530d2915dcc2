package io.qonnect.cli;

import io.qonnect.testbed.bench.PlacementBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Measure and record: `bench placement` times the engine and compares it with Borda.")
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "what to measure: placement")
  String what;

  @Option(names = "--clusters", split = ",", description = "cluster counts (default 100,1000)")
  List<Integer> clusters = List.of(100, 1000);

  @Option(names = "--components", description = "components per application (default 20)")
  int components = 20;

  @Option(names = "--instances", description = "random instances per size (default 10)")
  int instances = 10;

  @Option(names = "--runs", description = "timed runs per instance (default 50)")
  int runs = 50;

  @Option(names = "--warmup", description = "untimed runs per instance first (default 20)")
  int warmup = 20;

  @Option(names = "--seed", description = "seed of the random instances (default 1)")
  long seed = 1;

  @Option(names = "--out", description = "also write the Markdown report to this file")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!what.equals("placement")) throw new QonnectMain.UserError("bench " + what + ": only 'placement' can be measured so far");
    if (clusters.stream().anyMatch(n -> n < 1 || n > 5000) || components < 1 || components > 100 || instances < 1 || runs < 1 || warmup < 0) {
      throw new QonnectMain.UserError("--clusters must be 1..5000, --components 1..100, --instances and --runs at least 1");
    }
    var config = new PlacementBench.Config(clusters, components, instances, warmup, runs, seed);
    var w = spec.commandLine().getOut();
    w.println("bench placement: " + instances + " instances per size, " + warmup + " warm-up + " + runs + " timed runs each");
    var results = new PlacementBench().run(config, spec.commandLine().getErr());
    String command = "./qonnect bench placement --clusters " + String.join(",", clusters.stream().map(String::valueOf).toList())
        + " --components " + components + " --instances " + instances + " --runs " + runs + " --warmup " + warmup + " --seed " + seed;
    String report = PlacementBench.report(config, results, command);
    w.print(report);
    if (out != null) {
      if (out.getParent() != null) Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      w.println("report written to " + out);
    }
    return QonnectMain.OK;
  }
}
