package io.qonnect.testbed.bench;

import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.ProcessStats;
import io.qonnect.testbed.cluster.Testbed;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a testbed up in a fresh directory (binaries already built: a warm start), then measures what it
 * costs at rest: resident memory per component and in all, and CPU over an idle window. Tears it down.
 */
public final class TestbedBench {
  public record Result(String layout, int clusters, double upSeconds, Map<String, Double> perClusterUpSeconds, long rssMiB,
      Map<String, Long> rssMiBByComponent, double idleCores, int idleSeconds) {}

  public Result run(String layout, Path binDir, int idleSeconds, PrintWriter progress) throws IOException, InterruptedException {
    List<MemberClusterSpec> clusters = MemberClusterSpec.parseLayout(layout);
    Path dir = Files.createTempDirectory("qonnect-testbed-bench-");
    Testbed testbed = new Testbed(dir, binDir);
    Map<String, Double> perCluster = new LinkedHashMap<>();
    long[] last = {System.nanoTime()};
    long t0 = System.nanoTime();
    try {
      testbed.up(clusters, line -> {
        progress.println("  " + line);
        progress.flush();
        if (line.contains(": ready in ")) {
          perCluster.put(line.substring(0, line.indexOf(':')), (System.nanoTime() - last[0]) / 1e9);
          last[0] = System.nanoTime();
        }
      });
      double up = (System.nanoTime() - t0) / 1e9;
      progress.printf("  up in %.1f s; settling 10 s, then measuring %d s idle%n", up, idleSeconds);
      progress.flush();
      Thread.sleep(10_000);
      List<Long> pids = clusters.stream().flatMap(c -> testbed.pids(c.name()).stream()).toList();
      long cpu0 = pids.stream().mapToLong(ProcessStats::cpuMillis).sum();
      long w0 = System.nanoTime();
      Thread.sleep(idleSeconds * 1000L);
      long cpu1 = pids.stream().mapToLong(ProcessStats::cpuMillis).sum();
      double idleCores = (cpu1 - cpu0) / ((System.nanoTime() - w0) / 1e6);
      Map<String, Long> byComponent = new TreeMap<>();
      long total = 0;
      for (MemberClusterSpec c : clusters) {
        Path pidDir = dir.resolve("kwok/clusters").resolve(c.name()).resolve("pids");
        try (var files = Files.list(pidDir)) {
          for (Path f : files.toList()) {
            String component = f.getFileName().toString().replace(".pid", "");
            long kib = ProcessStats.rssKiB(Long.parseLong(Files.readString(f).strip()));
            byComponent.merge(component, kib / 1024, Long::sum);
            total += kib;
          }
        }
      }
      return new Result(layout, clusters.size(), up, perCluster, total / 1024, byComponent, idleCores, idleSeconds);
    } finally {
      testbed.down(line -> {});
    }
  }

  public static String report(List<Result> results, String command) {
    StringBuilder b = new StringBuilder();
    b.append("Command: `").append(command).append("`  \n");
    b.append(String.format(Locale.ROOT, "%d cores, %d GiB; binaries already built (warm cache); fresh work directory per layout.%n%n",
        Runtime.getRuntime().availableProcessors(), Math.round(totalMemoryGiB())));
    b.append("| layout | clusters | up (s) | slowest cluster (s) | RSS total (MiB) | RSS per cluster (MiB) | idle CPU (cores) |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %d | %d | %.3f |%n", r.layout(), r.clusters(), r.upSeconds(),
          r.perClusterUpSeconds().values().stream().mapToDouble(Double::doubleValue).max().orElse(0), r.rssMiB(), r.rssMiB() / r.clusters(), r.idleCores()));
    }
    b.append("\nResident memory by component, summed over the clusters of each layout (MiB):\n\n");
    b.append("| layout | ").append(String.join(" | ", results.getFirst().rssMiBByComponent().keySet())).append(" |\n");
    b.append("|---|").append("---:|".repeat(results.getFirst().rssMiBByComponent().size())).append('\n');
    for (Result r : results) {
      b.append("| ").append(r.layout()).append(" | ");
      b.append(String.join(" | ", r.rssMiBByComponent().values().stream().map(String::valueOf).toList())).append(" |\n");
    }
    return b.toString();
  }

  private static double totalMemoryGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return 0;
  }
}
