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
 * the 3-peer group with their commit latency, a reconnect storm (many fresh clients at once, each a new
 * connection: with TLS, a handshake), then leader kill -9 → next committed write, repeated. With mutual TLS
 * (the default) or plaintext, so the cost of TLS is measured side by side.
 */
public final class FederationBench {
  /**
   * @param rate 0: closed loop, {@code writers} clients each submitting as soon as its last one returned; above 0: open
   *     loop, submissions offered at this many per second whatever the answers (each latency counted from when it was due,
   *     so a stall is not hidden by the load it holds back), {@code warmupSeconds} unrecorded and then {@code seconds}
   */
  public record Config(int submissions, int writers, int kills, List<String> jvmOptions, boolean insecure, int stormClients,
      int rate, int seconds, int warmupSeconds) {
    public Config(int submissions, int writers, int kills, List<String> jvmOptions, boolean insecure, int stormClients) {
      this(submissions, writers, kills, jvmOptions, insecure, stormClients, 0, 0, 0);
    }
  }

  /**
   * @param stormMs per fresh client: from the storm's start to its first answer
   * @param cpuMillis per process (lead agents, knowledge base): CPU time used during the measured window
   */
  public record Result(boolean insecure, int submissions, int writers, double seconds, List<Double> latenciesMs, int stormClients,
      List<Double> stormMs, List<Double> failoverMs, int failedWrites, int rate, java.util.SortedMap<String, Long> cpuMillis) {}

  /** A one-component application named {@code name}: what the benchmarks and the lead agent tests submit. */
  public static String spec(String name) {
    return "apiVersion: qonnect.io/v1\nkind: Application\nmetadata: {name: " + name + "}\nspec:\n  qos: {energy: 1, cost: 1, performance: 1}\n"
        + "  components:\n    - name: web\n      replicas: 1\n      resources: {cpu: 10m, memory: 16Mi}\n      image: nginx:1.27\n";
  }

  public Result run(Config config, String classpath, PrintWriter progress) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("qonnect-federation-bench-");
    LocalFederation federation = new LocalFederation(dir, classpath, config.jvmOptions());
    boolean clean = false;
    String kept = "the run did not complete";
    try {
      if (config.insecure()) federation.useInsecure();
      federation.up(3, List.of(), line -> say(progress, "  " + line));
      try (LeadAgentsClient client = federation.client(30_000)) {
        for (int i = 0; i < 500; i++) submit(client, "warmup-" + i);  // JIT and connections warm
        java.util.SortedMap<String, Long> cpuBefore = federation.cpuMillis();
        long t0 = System.nanoTime();
        List<Double> latencies;
        int failed;
        if (config.rate() > 0) {
          say(progress, "  open loop: " + config.rate() + " submissions/s offered, " + config.warmupSeconds() + " s warm-up, then " + config.seconds() + " s measured");
          openLoop(client, config.rate(), config.warmupSeconds(), "warmup-open-");
          cpuBefore = federation.cpuMillis();
          t0 = System.nanoTime();
          OpenLoop measured = openLoop(client, config.rate(), config.seconds(), "app-");
          latencies = measured.latenciesMs();
          failed = measured.failed();
        } else {
          say(progress, "  throughput: " + config.submissions() + " submissions from " + config.writers() + " writers");
          ClosedLoop measured = closedLoop(client, config.submissions(), config.writers());
          latencies = measured.latenciesMs();
          failed = measured.failed();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> gone = federation.members().stream().filter(m -> federation.pid(m).isEmpty()).map(LocalFederation.Member::name).toList();
        if (!gone.isEmpty()) say(progress, "  not running after the measurement: " + String.join(", ", gone));
        java.util.SortedMap<String, Long> cpuUsed = new java.util.TreeMap<>();
        for (var e : federation.cpuMillis().entrySet()) cpuUsed.put(e.getKey(), e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L));
        List<Double> storm = storm(federation, config.stormClients(), progress);

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
          federation.awaitCaughtUp(60_000); // the next kill starts from a full group
        }
        Result result = new Result(config.insecure(), config.rate() > 0 ? latencies.size() + failed : config.submissions(), config.writers(), seconds,
            latencies, config.stormClients(), storm, failovers, failed, config.rate(), cpuUsed);
        clean = failed == 0 && gone.isEmpty();
        kept = failed + " submissions failed" + (gone.isEmpty() ? "" : ", " + String.join(", ", gone) + " stopped running");
        return result;
      }
    } finally {
      // a run that did not complete, lost submissions or lost a process keeps the processes' logs and data for a look
      federation.down(clean, line -> {});
      if (!clean) say(progress, "  " + kept + ": logs and data kept in " + dir);
    }
  }

  private record ClosedLoop(List<Double> latenciesMs, int failed) {}

  private static ClosedLoop closedLoop(LeadAgentsClient client, int submissions, int writerCount) throws InterruptedException {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < writerCount; w++) {
      writers.add(Thread.ofPlatform().start(() -> {
        for (int i = next.getAndIncrement(); i < submissions; i = next.getAndIncrement()) {
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
    return new ClosedLoop(latencies, failed.get());
  }

  private record OpenLoop(List<Double> latenciesMs, int failed) {}

  /**
   * Offers {@code rate} submissions per second for {@code seconds}, each on a virtual thread of its own started when it
   * is due, whatever the earlier ones are doing; waits for the last answers (at most 60 s more).
   */
  private static OpenLoop openLoop(LeadAgentsClient client, int rate, int seconds, String prefix) throws InterruptedException {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    long total = (long) rate * seconds;
    double intervalNanos = 1e9 / rate;
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      long start = System.nanoTime();
      for (long i = 0; i < total; i++) {
        long due = start + (long) (i * intervalNanos);
        long wait = due - System.nanoTime();
        if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        String name = prefix + i;
        threads.submit(() -> {
          try {
            submit(client, name);
            latencies.add((System.nanoTime() - due) / 1e6);
          } catch (StatusRuntimeException e) {
            failed.incrementAndGet();
          }
        });
      }
      threads.shutdown();
      threads.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    return new OpenLoop(List.copyOf(latencies), failed.get());
  }

  /** Connects the channel (TCP, and with TLS the handshake); whether it became READY within {@code timeoutMs}. */
  private static boolean connected(io.grpc.ManagedChannel ch, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline) {
      io.grpc.ConnectivityState state = ch.getState(true);
      if (state == io.grpc.ConnectivityState.READY) return true;
      java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
      ch.notifyWhenStateChanged(state, changed::countDown);
      changed.await(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return false;
  }

  /**
   * {@code clients} new connections to the leader at once (what a thousand agents do after a leader change): per
   * client, ms until its connection is READY, the TLS handshake included. No call is made: only the connection is timed.
   */
  private static List<Double> storm(LocalFederation federation, int clients, PrintWriter progress) throws InterruptedException {
    if (clients == 0) return List.of();
    say(progress, "  reconnect storm: " + clients + " fresh clients at once");
    String leader;
    try (LeadAgentsClient client = federation.client(30_000)) {
      leader = client.call(s -> s.leader(io.qonnect.proto.v1.LeaderRequest.getDefaultInstance())).getLeaderAddress();
    }
    var transport = federation.clientTransport();
    List<io.grpc.ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < clients; i++) channels.add(transport.channel(leader, io.qonnect.transport.Identity.LeadAgent.class));
    List<Double> ms = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long[] start = new long[1];
    for (io.grpc.ManagedChannel ch : channels) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
          if (connected(ch, 60_000)) ms.add((System.nanoTime() - start[0]) / 1e6);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    start[0] = System.nanoTime();
    go.countDown();
    for (Thread t : threads) t.join();
    channels.forEach(io.grpc.ManagedChannel::shutdownNow);
    return ms;
  }

  private static void submit(LeadAgentsClient client, String name) {
    client.apply(ApplyRequest.newBuilder().setSpecYaml(spec(name)).build());
  }

  private static void say(PrintWriter progress, String line) {
    progress.println(line);
    progress.flush();
  }

  /** The p-th percentile (nearest rank) of {@code values}; NaN when there are none. */
  public static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    if (sorted.isEmpty()) return Double.NaN;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
  }

  /** One or more runs (plaintext and TLS side by side), one row each. */
  public static String report(List<Result> runs, String command) {
    StringBuilder b = new StringBuilder();
    b.append("Command: `").append(command).append("`  \n");
    b.append("Java ").append(Runtime.version()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores; 3 lead agents and the knowledge base as separate JVMs on 127.0.0.1, the client in a fourth.\n\n");
    b.append("| transport | load | submissions | committed/s | p50 ms | p99 ms | max ms | failed | CPU ms per commit, each process |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : runs) {
      String load = r.rate() > 0 ? "open loop, " + r.rate() + "/s offered" : "closed loop, " + r.writers() + " writers";
      int committed = r.latenciesMs().size();
      String cpu = String.join(", ", r.cpuMillis().entrySet().stream()
          .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), committed == 0 ? Double.NaN : (double) e.getValue() / committed)).toList());
      b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %d | %s |%n", transport(r), load, r.submissions(),
          committed / r.seconds(), percentile(r.latenciesMs(), 50), percentile(r.latenciesMs(), 99),
          percentile(r.latenciesMs(), 100), r.failedWrites(), cpu));
    }
    if (runs.stream().anyMatch(r -> !r.stormMs().isEmpty())) {
      b.append("\n| transport | reconnect storm: fresh connections at once | connected | connected p50 ms | p99 ms | all connected ms |\n|---|---:|---:|---:|---:|---:|\n");
      for (Result r : runs) {
        b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f |%n", transport(r), r.stormClients(), r.stormMs().size(),
            percentile(r.stormMs(), 50), percentile(r.stormMs(), 99), percentile(r.stormMs(), 100)));
      }
    }
    if (runs.stream().anyMatch(r -> !r.failoverMs().isEmpty())) {
      b.append("\n| transport | leader kills (kill -9) | next committed write p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
      for (Result r : runs) {
        b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f |%n", transport(r), r.failoverMs().size(), percentile(r.failoverMs(), 50),
            percentile(r.failoverMs(), 99), percentile(r.failoverMs(), 100)));
      }
      for (Result r : runs) {
        b.append("\n").append(transport(r)).append(", each kill in ms: ")
            .append(String.join(", ", r.failoverMs().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())).append('\n');
      }
    }
    return b.toString();
  }

  private static String transport(Result r) {
    return r.insecure() ? "plaintext" : "mutual TLS";
  }
}
