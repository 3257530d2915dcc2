package io.qonnect.testbed.bench;

import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.borda.BordaStrategy;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.testbed.sim.RandomInstances;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times joint placement of one application on random instances, and compares the engine's objective and
 * constraint violations with the Borda baseline on the same instances. Prints a Markdown report.
 */
public final class PlacementBench {
  public record Config(List<Integer> clusterCounts, int components, int instances, int warmup, int runs, long seed) {}

  /** Per size: latency percentiles and the quality comparison. */
  public record SizeResult(int clusters, int components, int instances, int samples, double p50Ms, double p99Ms, double maxMs,
      double explainP50Ms, double explainP99Ms, int placed, int unschedulable, double meanObjective, double meanBordaObjective, int bordaInstancesBroken,
      int bordaOverCommits, int bordaLatencyBreaks, int bordaSpreadBreaks, int engineViolations, String decisions) {}

  private final PlacementEngine engine = new PlacementEngine();
  private final BordaStrategy borda = new BordaStrategy();

  public List<SizeResult> run(Config config, PrintWriter progress) {
    List<SizeResult> out = new ArrayList<>();
    for (int clusters : config.clusterCounts()) {
      List<Long> samples = new ArrayList<>();
      List<Long> explaining = new ArrayList<>();
      int placed = 0, unschedulable = 0, broken = 0, over = 0, latency = 0, spread = 0, engineViolations = 0;
      double sumJ = 0, sumBorda = 0;
      java.security.MessageDigest decisions = sha256();
      for (int i = 0; i < config.instances(); i++) {
        long seed = config.seed() + 1000L * clusters + i;
        RandomInstances gen = new RandomInstances(seed);
        ClusterSnapshot snapshot = gen.snapshot(clusters);
        QosSpec spec = gen.application("bench-" + i, config.components());
        PlacementOutcome outcome = null;
        for (int w = 0; w < config.warmup(); w++) outcome = engine.place(spec, snapshot);
        for (int r = 0; r < config.runs(); r++) {
          long t0 = System.nanoTime();
          outcome = engine.place(spec, snapshot);
          long t1 = System.nanoTime();
          samples.add(t1 - t0);
          if (outcome instanceof PlacementOutcome.Placed p) { // computed on first use: what a committed decision adds
            p.explanation();
            explaining.add(System.nanoTime() - t1);
          }
        }
        decisions.update(String.valueOf(outcome).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PlacementOutcome baseline = borda.place(spec, snapshot);
        if (outcome instanceof PlacementOutcome.Placed p && baseline instanceof PlacementOutcome.Placed b) {
          placed++;
          sumJ += p.explanation().objective().value();
          sumBorda += b.explanation().objective().value();
          engineViolations += Feasibility.violations(spec, snapshot, p.placement().components()).size();
          List<String> v = Feasibility.violations(spec, snapshot, b.placement().components());
          if (!v.isEmpty()) broken++;
          over += (int) v.stream().filter(s -> s.contains("over-committed")).count();
          latency += (int) v.stream().filter(s -> s.contains(" ms")).count();
          spread += (int) v.stream().filter(s -> s.contains("minClusters")).count();
        } else if (outcome instanceof PlacementOutcome.Unschedulable) {
          unschedulable++;
        }
        progress.printf(Locale.ROOT, "  %d clusters: instance %d/%d done%n", clusters, i + 1, config.instances());
        progress.flush();
      }
      long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] explained = explaining.isEmpty() ? new long[] {0} : explaining.stream().mapToLong(Long::longValue).sorted().toArray();
      out.add(new SizeResult(clusters, config.components(), config.instances(), sorted.length, percentile(sorted, 0.50),
          percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6, percentile(explained, 0.50), percentile(explained, 0.99), placed, unschedulable,
          placed == 0 ? Double.NaN : sumJ / placed, placed == 0 ? Double.NaN : sumBorda / placed, broken, over, latency, spread, engineViolations,
          java.util.HexFormat.of().formatHex(decisions.digest()).substring(0, 16)));
    }
    return out;
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static double percentile(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  public static String report(Config c, List<SizeResult> results, String command) {
    StringBuilder b = new StringBuilder();
    b.append("Command: `").append(command).append("`  \n");
    b.append(String.format(Locale.ROOT, "Java %s, %d cores; %d instances per size, %d warm-up + %d timed runs each, seed %d.%n%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), c.instances(), c.warmup(), c.runs(), c.seed()));
    // decisions: a digest of every outcome (placement and explanation); a change that only makes the engine faster keeps it
    // the search (what every placement decision and every look for a better one costs) apart from its explanation
    // (computed on first use: when a decision commits, or `plan` shows it)
    b.append("| clusters | components | samples | p50 ms | p99 ms | max ms | explanation p50 ms | explanation p99 ms | placed | unschedulable | engine violations | decisions |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (SizeResult r : results) {
      b.append(String.format(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %d | `%s` |%n", r.clusters(), r.components(), r.samples(),
          r.p50Ms(), r.p99Ms(), r.maxMs(), r.explainP50Ms(), r.explainP99Ms(), r.placed(), r.unschedulable(), r.engineViolations(), r.decisions()));
    }
    b.append("\nSame instances, Borda baseline (objective evaluated with qonnect's objective; lower is better):\n\n");
    b.append("| clusters | mean objective qonnect | mean objective borda | borda instances breaking a constraint | over-committed clusters | latency breaks | spread breaks |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SizeResult r : results) {
      b.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f | %d / %d | %d | %d | %d |%n", r.clusters(), r.meanObjective(),
          r.meanBordaObjective(), r.bordaInstancesBroken(), r.placed(), r.bordaOverCommits(), r.bordaLatencyBreaks(), r.bordaSpreadBreaks()));
    }
    return b.toString();
  }

}
