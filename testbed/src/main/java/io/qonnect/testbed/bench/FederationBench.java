package io.qonnect.testbed.bench;

import io.grpc.StatusRuntimeException;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.testbed.federation.LocalFederation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lead agents under load, as separate processes on loopback: submissions committed per second through
 * the 3-peer group with their commit latency, then leader kill -9 → next committed write, repeated.
 */
public final class FederationBench {
  public record Config(int submissions, int writers, int kills, List<String> jvmOptions) {}

  public record Result(int submissions, int writers, double seconds, List<Double> latenciesMs, List<Double> failoverMs, int failedWrites) {}

  /** A one-component application named {@code name}: what the benchmarks and the lead agent tests submit. */
  public static String spec(String name) {
    return "apiVersion: qonnect.io/v1\nkind: Application\nmetadata: {name: " + name + "}\nspec:\n  qos: {energy: 1, cost: 1, performance: 1}\n"
        + "  components:\n    - name: web\n      replicas: 1\n      resources: {cpu: 10m, memory: 16Mi}\n      image: nginx:1.27\n";
  }

  public Result run(Config config, String classpath, PrintWriter progress) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("qonnect-federation-bench-");
    LocalFederation federation = new LocalFederation(dir, classpath, config.jvmOptions());
    try {
      federation.up(3, List.of(), line -> say(progress, "  " + line));
      try (LeadAgentsClient client = federation.client(30_000)) {
        for (int i = 0; i < 500; i++) submit(client, "warmup-" + i);  // JIT and connections warm
        say(progress, "  throughput: " + config.submissions() + " submissions from " + config.writers() + " writers");
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < config.writers(); w++) {
          writers.add(Thread.ofPlatform().start(() -> {
            for (int i = next.getAndIncrement(); i < config.submissions(); i = next.getAndIncrement()) {
              long s = System.nanoTime();
              try {
                submit(client, "app-" + i);
                latencies.add((System.nanoTime() - s) / 1e6);
              } catch (StatusRuntimeException e) {
                failed.incrementAndGet();
              }
            }
          }));
        }
        for (Thread t : writers) t.join();
        double seconds = (System.nanoTime() - t0) / 1e9;

        List<Double> failovers = new ArrayList<>();
        for (int k = 1; k <= config.kills(); k++) {
          String leader = federation.awaitLeader(30_000).getLeaderId();
          federation.kill(leader);
          long killed = System.nanoTime();
          submit(client, "after-kill-" + k);                             // retries until a new leader commits it
          double ms = (System.nanoTime() - killed) / 1e6;
          failovers.add(ms);
          say(progress, String.format(Locale.ROOT, "  kill %d/%d: %s killed, next write committed after %.0f ms", k, config.kills(), leader, ms));
          federation.start(federation.member(leader), List.of());
          awaitAllAnswer(client, federation);
        }
        return new Result(config.submissions(), config.writers(), seconds, latencies, failovers, failed.get());
      }
    } finally {
      federation.down(true, line -> {});
    }
  }

  private static void submit(LeadAgentsClient client, String name) {
    client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(spec(name)).build()));
  }

  /** Waits until the restarted lead agent serves again, so the next kill starts from a full group. */
  private static void awaitAllAnswer(LeadAgentsClient client, LocalFederation federation) throws InterruptedException {
    for (String address : federation.leadAgentAddresses()) {
      for (int i = 0; i < 300; i++) {
        try {
          if (!client.at(address).leader(io.qonnect.proto.v1.LeaderRequest.getDefaultInstance()).getLeaderId().isEmpty()) break;
        } catch (StatusRuntimeException e) {
          // starting
        }
        Thread.sleep(100);
      }
    }
    Thread.sleep(2000); // let it catch up with the log before the next kill
  }

  private static void say(PrintWriter progress, String line) {
    progress.println(line);
    progress.flush();
  }

  static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    if (sorted.isEmpty()) return Double.NaN;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
  }

  public static String report(Result r, String command) {
    StringBuilder b = new StringBuilder();
    b.append("Command: `").append(command).append("`  \n");
    b.append("Java ").append(Runtime.version()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores; 3 lead agents and the knowledge base as separate JVMs on 127.0.0.1, the client in a fourth.\n\n");
    b.append("| submissions | writers | committed/s | p50 ms | p99 ms | max ms | failed |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    b.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.2f | %.2f | %.2f | %d |%n%n", r.submissions(), r.writers(),
        r.latenciesMs().size() / r.seconds(), percentile(r.latenciesMs(), 50), percentile(r.latenciesMs(), 99),
        percentile(r.latenciesMs(), 100), r.failedWrites()));
    if (!r.failoverMs().isEmpty()) {
      b.append("| leader kills (kill -9) | next committed write p50 ms | p99 ms | max ms |\n|---:|---:|---:|---:|\n");
      b.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f |%n", r.failoverMs().size(), percentile(r.failoverMs(), 50),
          percentile(r.failoverMs(), 99), percentile(r.failoverMs(), 100)));
      b.append("\nEach kill, in ms: ").append(String.join(", ", r.failoverMs().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())).append('\n');
    }
    return b.toString();
  }
}
