package io.qonnect.sim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs seeds of the {@link Simulation} and reports: seeds run, violations, seeds per second; for each failing
 * seed a one-line replay command and the end of its timeline. {@code ./qonnect sim} and the seeds test call it.
 */
public final class SimMain {
  /** What a batch of seeds found. */
  public record Summary(int seeds, List<Simulation.Result> failed, double seedsPerSecond) {}

  private SimMain() {}

  /** Runs on every core: seeds are independent, and each replays the same whatever thread runs it. */
  public static Summary run(long firstSeed, int seeds, Simulation.Options options, java.io.PrintStream out) {
    return run(firstSeed, seeds, options, Runtime.getRuntime().availableProcessors(), out);
  }

  public static Summary run(long firstSeed, int seeds, Simulation.Options options, int threads, java.io.PrintStream out) {
    io.qonnect.ops.Logs.quiet(); // the real controllers it runs log every decision: the timeline says what matters
    long start = System.nanoTime();
    List<Simulation.Result> failed = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, seeds)));
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < seeds; i++) {
        long seed = firstSeed + i;
        runs.add(pool.submit(() -> {
          Simulation.Result r = Simulation.run(seed, options);
          synchronized (out) {
            if (!r.passed()) {
              failed.add(r);
              out.println("seed " + seed + ": " + r.violations().size() + " violation(s)");
              r.violations().forEach(v -> out.println("  " + v));
              out.println("  replay: ./qonnect sim --seed " + seed + replayOptions(options));
              Simulation.tail(r, 25).forEach(line -> out.println("    " + line));
            }
            int n = done.incrementAndGet();
            if (seeds >= 100 && n % (seeds / 10) == 0) out.printf("… %d/%d seeds, %d failed%n", n, seeds, failed.size());
          }
        }));
      }
      for (Future<?> run : runs) {
        try {
          run.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("a seed crashed the simulation: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    failed.sort(java.util.Comparator.comparingLong(Simulation.Result::seed));
    double seconds = (System.nanoTime() - start) / 1e9;
    Summary summary = new Summary(seeds, List.copyOf(failed), seeds / Math.max(seconds, 1e-9));
    out.printf("%d seeds (%d..%d), %d with violations, %.1f seeds/s%n", seeds, firstSeed, firstSeed + seeds - 1, failed.size(), summary.seedsPerSecond());
    return summary;
  }

  private static String replayOptions(Simulation.Options o) {
    Simulation.Options d = Simulation.Options.defaults();
    StringBuilder b = new StringBuilder();
    if (o.clusters() != d.clusters()) b.append(" --clusters ").append(o.clusters());
    if (o.horizonMillis() != d.horizonMillis()) b.append(" --horizon ").append(o.horizonMillis() / 1000);
    if (!o.faults().equals(d.faults())) b.append(" --faults ").append(String.join(",", o.faults().stream().map(f -> f.name().toLowerCase().replace('_', '-')).toList()));
    return b.toString();
  }

  /** Parses "leader-crash,api-down" (or "all"); the error names the unknown fault and the known ones. */
  public static Set<Simulation.Fault> faults(String list) {
    if (list.isBlank() || list.equals("all")) return EnumSet.allOf(Simulation.Fault.class);
    Set<Simulation.Fault> out = EnumSet.noneOf(Simulation.Fault.class);
    for (String f : list.split(",")) {
      try {
        out.add(Simulation.Fault.valueOf(f.trim().toUpperCase().replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--faults: unknown fault '" + f.trim() + "'; known: "
            + String.join(", ", EnumSet.allOf(Simulation.Fault.class).stream().map(x -> x.name().toLowerCase().replace('_', '-')).toList()));
      }
    }
    return out;
  }
}
