package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import io.qonnect.sim.SimMain;
import io.qonnect.sim.Simulation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "sim", description = {
    "Run the deterministic simulation: three lead agents, an agent per member cluster, faults, every promise checked on every event.",
    "Prints each failing seed with its violations, a replay command and the end of its timeline; then seeds run, failures and seeds/s."})
final class SimCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seeds", description = "how many seeds to run, from --first-seed (default ${DEFAULT-VALUE})", defaultValue = "100")
  int seeds;

  @Option(names = "--first-seed", description = "the first seed (default ${DEFAULT-VALUE})", defaultValue = "1")
  long firstSeed;

  @Option(names = "--seed", description = "replay one seed")
  Long seed;

  @Option(names = "--clusters", description = "member clusters (default ${DEFAULT-VALUE})", defaultValue = "4")
  int clusters;

  @Option(names = "--horizon", description = "virtual seconds per seed (default ${DEFAULT-VALUE})", defaultValue = "90")
  long horizonSeconds;

  @Option(names = "--jobs", description = "seeds run at once (default: every core)")
  Integer jobs;

  @Option(names = "--faults", description = "comma-separated faults to draw from, or 'all' (default): leader-crash, leader-pause, "
      + "lead-partition, slow-apply, new-leader-behind, delayed-proposal, clock-step, agent-crash, agent-partition, heartbeats-lost, api-down, "
      + "cluster-down, spec-edit, delete-recreate",
      defaultValue = "all")
  String faults;

  @Override
  public Integer call() {
    if (seeds < 1) throw new ParameterException(spec.commandLine(), "--seeds: must be at least 1");
    if (clusters < 2 || clusters > 64) throw new ParameterException(spec.commandLine(), "--clusters: must be between 2 and 64");
    if (horizonSeconds < 40) throw new ParameterException(spec.commandLine(), "--horizon: at least 40 s (faults start at 8 s and heal before the end)");
    Simulation.Options options;
    try {
      options = new Simulation.Options(clusters, horizonSeconds * 1000, SimMain.faults(faults));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (jobs != null && jobs < 1) throw new ParameterException(spec.commandLine(), "--jobs: must be at least 1");
    int threads = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    SimMain.Summary s = seed != null ? SimMain.run(seed, 1, options, threads, new java.io.PrintStream(System.out, true))
        : SimMain.run(firstSeed, seeds, options, threads, new java.io.PrintStream(System.out, true));
    return s.failed().isEmpty() ? QonnectMain.OK : QonnectMain.FAILED;
  }
}
