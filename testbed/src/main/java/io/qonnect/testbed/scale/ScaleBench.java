package io.qonnect.testbed.scale;

import io.grpc.StatusRuntimeException;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplyResponse;
import io.qonnect.proto.v1.ClusterHealth;
import io.qonnect.proto.v1.ClusterStatus;
import io.qonnect.proto.v1.LeaderResponse;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.testbed.cluster.ProcessStats;
import io.qonnect.testbed.federation.LocalFederation;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A federation at scale: the real lead agents (3 JVMs) and knowledge base, and {@link SimulatedAgents} for the member
 * clusters, all on this machine. Measures, in order: every cluster registered and Healthy; the applications submitted
 * (commits per second, latency) until every one is placed and Ready; a steady-state window (CPU and RSS per process,
 * placement round time, desired-state bytes pushed); for each failed cluster, the time until its components are
 * re-committed elsewhere, pushed to the agents and Ready; a leader kill (writes accepted again, every agent reconnected).
 * Records numbers; checks only what the scale run must never break, in {@link Result#problems()}.
 */
public final class ScaleBench {
  public record Config(int clusters, int apps, int componentsPerApp, int fail, int leaderKills, int writers, int steadySeconds,
      SimulatedAgents.Config agents, List<String> jvmOptions, long timeoutMs) {}

  /**
   * One leader kill -9, in ms after it: a write accepted again, every agent's desired state received again (-1: not within
   * the timeout); and the elections from the kill until the group was whole again (the term's rise: 1 when the first
   * leader elected kept the lead).
   */
  public record LeaderKill(String leader, long writesAcceptedMs, long agentsReconnectedMs, long elections) {}

  /** One failed cluster: how long after its agent stopped each stage was reached, in ms (-1: not within the timeout). */
  public record Failover(String cluster, int components, int applications, long detectedMs, long recommittedMs, long pushedMs, long readyMs) {}

  /**
   * @param stages seconds per stage, in order
   * @param cpuCores steady state: cores used per process (CPU seconds per second of the window)
   * @param rssMiB steady state: resident memory per process
   * @param gcPauseCores steady state: the garbage collector's pauses per process, in seconds per second of the window (a
   *     part of its CPU: with the serial collector the pauses are its whole work)
   * @param allocatedMBps steady state: what each process allocated, all threads, MB per second
   * @param loopAllocatedMBps steady state: what each process's periodic loops allocated, per loop, MB per second
   * @param placingDesiredBytes / placingCpuSeconds from the first submission until every application was Ready: desired
   *     state received by all agents (complete states and deltas), CPU seconds used by each process
   * @param problems what broke a promise of the run (empty: none): an answer for another application, a revision twice,
   *     a message over its size limit, an application not placed
   */
  public record Result(Config config, Map<String, Double> stages, double commitsPerSecond, List<Double> submitMs, Map<String, Double> cpuCores,
      Map<String, Long> rssMiB, Map<String, Double> gcPauseCores, Map<String, Double> allocatedMBps, Map<String, Map<String, Double>> loopAllocatedMBps,
      double placementRoundMs, double placementRoundMaxMs, double desiredBytesPerSecond, long largestDesiredBytes,
      long placingDesiredBytes, Map<String, Double> placingCpuSeconds, long largestListBytes, List<Failover> failovers, List<LeaderKill> leaderKills, long reportFailures,
      List<String> problems, KnowledgeBaseSnapshot snapshot) {}

  /** The knowledge base's observation snapshot at steady state, as the leader reads it: pages, bytes, round trips held. */
  public record KnowledgeBaseSnapshot(int pages, long bytes, long latencySamples, int largestPageBytes) {
    static final KnowledgeBaseSnapshot NONE = new KnowledgeBaseSnapshot(0, 0, 0, 0);
  }

  /** An application of {@code components} small components (100m, 128 MiB, one replica each). */
  public static String spec(String name, int components) {
    StringBuilder b = new StringBuilder("apiVersion: qonnect.io/v1\nkind: Application\nmetadata: {name: " + name + "}\nspec:\n"
        + "  qos: {energy: 0.3, cost: 0.4, performance: 0.3}\n  components:\n");
    for (int c = 1; c <= components; c++) {
      b.append("    - name: part-").append(c).append("\n      replicas: 1\n      resources: {cpu: 100m, memory: 128Mi}\n      image: nginx:1.27\n");
    }
    return b.toString();
  }

  private final PrintWriter progress;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ScaleBench(PrintWriter progress) {
    this.progress = progress;
  }

  public Result run(Config config, String classpath) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("qonnect-scale-bench-");
    LocalFederation federation = new LocalFederation(dir, classpath, config.jvmOptions());
    Map<String, Double> stages = new LinkedHashMap<>();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    boolean clean = false;
    try (SimulatedAgents agents = new SimulatedAgents(config.agents())) {
      federation.up(3, List.of(), line -> say("  " + line));
      try (LeadAgentsClient client = federation.client(30_000)) {
        // each agent's certificate first (as an operator issues them before deploying agents): not part of registration
        say("  issuing " + config.clusters() + " agent certificates");
        for (String cluster : agents.clusterNames()) federation.transport(new io.qonnect.transport.Identity.Agent(cluster));
        // registration
        long t = System.nanoTime();
        agents.start(federation.gatewayAddresses(), federation.knowledgeBaseAddress().orElseThrow(), federation::transport);
        boolean registered = awaitProgress("clusters registered and Healthy", config.timeoutMs(), () -> {
          List<ClusterStatus> clusters = client.call(s -> s.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList();
          long healthy = clusters.stream().filter(c -> c.getHealth() == ClusterHealth.CLUSTER_HEALTH_HEALTHY).count();
          return new Progress(healthy, config.clusters());
        });
        if (!registered) return partial(config, stages, problems, "not every cluster registered and Healthy within the timeout");
        stages.put("all clusters registered and Healthy", seconds(t));

        // submissions
        t = System.nanoTime();
        long placingBytesBefore = agents.desiredBytes();
        Map<String, Long> placingCpuBefore = federation.cpuMillis();
        Map<String, Long> answered = new ConcurrentHashMap<>();
        List<Double> submitMs = submit(client, config, answered, problems);
        double submitSeconds = seconds(t);
        stages.put("all applications submitted", submitSeconds);
        double commitsPerSecond = submitMs.size() / submitSeconds;
        long[] largestList = {0};
        List<ApplicationStatus> listed = new ArrayList<>();
        boolean ready = awaitProgress("applications Ready", config.timeoutMs(), () -> {
          var list = client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance()));
          largestList[0] = Math.max(largestList[0], list.getSerializedSize());
          listed.clear();
          listed.addAll(list.getApplicationsList());
          return new Progress(list.getApplicationsList().stream().filter(a -> a.getPhase() == ApplicationStatus.Phase.READY).count(), config.apps());
        });
        if (!ready) {
          problems.add("not every application Ready within " + config.timeoutMs() / 1000 + " s after the submissions started");
          return new Result(config, stages, commitsPerSecond, submitMs, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Double.NaN, Double.NaN, Double.NaN,
              agents.largestDesiredBytes(), agents.desiredBytes() - placingBytesBefore, Map.of(), largestList[0], List.of(), List.of(), agents.reportFailures(), List.copyOf(problems),
              KnowledgeBaseSnapshot.NONE);
        }
        stages.put("submitted → all applications Ready", seconds(t) - submitSeconds);
        long placingDesiredBytes = agents.desiredBytes() - placingBytesBefore;
        Map<String, Double> placingCpu = new TreeMap<>();
        federation.cpuMillis().forEach((name, ms) -> placingCpu.put(name, (ms - placingCpuBefore.getOrDefault(name, 0L)) / 1000.0));
        // each caller's answer is its own command's result (batched commits matched to their callers): the revision it
        // was told is the revision its spec was committed at
        listed.stream().filter(a -> answered.containsKey(a.getName()) && answered.get(a.getName()) != a.getSpecRevision()).limit(5)
            .forEach(a -> problems.add("the answer to " + a.getName() + " said spec revision " + answered.get(a.getName()) + "; it was committed at "
                + a.getSpecRevision()));

        // steady state
        say("  steady state: " + config.steadySeconds() + " s measured");
        Map<String, Long> cpuBefore = federation.cpuMillis();
        Map<String, String> metricsBefore = scrapeMetrics(federation);
        long bytesBefore = agents.desiredBytes();
        long w0 = System.nanoTime();
        Thread.sleep(config.steadySeconds() * 1000L);
        double window = seconds(w0);
        Map<String, Double> cores = new TreeMap<>();
        federation.cpuMillis().forEach((name, ms) -> cores.put(name, (ms - cpuBefore.getOrDefault(name, 0L)) / 1000.0 / window));
        Map<String, Long> rss = new TreeMap<>();
        for (LocalFederation.Member m : federation.members()) federation.pid(m).ifPresent(pid -> rss.put(m.name(), ProcessStats.rssKiB(pid) / 1024));
        Map<String, String> metricsAfter = scrapeMetrics(federation);
        double[] round = roundTime(placementRounds(metricsBefore), placementRounds(metricsAfter));
        Map<String, Double> gcPauseCores = new TreeMap<>();
        Map<String, Double> allocatedMBps = new TreeMap<>();
        Map<String, Map<String, Double>> loopAllocatedMBps = new TreeMap<>();
        metricsAfter.forEach((name, body) -> {
          String before = metricsBefore.getOrDefault(name, "");
          gcPauseCores.put(name, (gcPauseSeconds(body) - gcPauseSeconds(before)) / window);
          allocatedMBps.put(name, (sum(JVM_ALLOCATED, body) - sum(JVM_ALLOCATED, before)) / 1e6 / window);
          Map<String, Double> loops = new TreeMap<>();
          Map<String, Double> loopsBefore = byLoop(before);
          byLoop(body).forEach((loop, bytes) -> loops.put(loop, (bytes - loopsBefore.getOrDefault(loop, 0.0)) / 1e6 / window));
          loopAllocatedMBps.put(name, loops);
        });
        double bytesPerSecond = (agents.desiredBytes() - bytesBefore) / window;
        KnowledgeBaseSnapshot snapshot = knowledgeBaseSnapshot(federation);

        List<Failover> failovers = new ArrayList<>();
        for (int k = 0; k < config.fail(); k++) failovers.add(failover(client, agents, config.timeoutMs(), problems));

        List<LeaderKill> kills = new ArrayList<>();
        for (int k = 1; k <= config.leaderKills(); k++) kills.add(killLeader(federation, client, agents, config.timeoutMs(), k));
        if (agents.largestDesiredBytes() > io.qonnect.transport.GrpcKeepalive.MAX_RESPONSE_BYTES || largestList[0] > io.qonnect.transport.GrpcKeepalive.MAX_RESPONSE_BYTES) {
          problems.add("a message over its size limit: desired state " + agents.largestDesiredBytes() + " B, list " + largestList[0] + " B");
        }
        clean = problems.isEmpty();
        return new Result(config, stages, commitsPerSecond, submitMs, cores, rss, gcPauseCores, allocatedMBps, loopAllocatedMBps, round[0], round[1], bytesPerSecond, agents.largestDesiredBytes(),
            placingDesiredBytes, placingCpu, largestList[0], failovers, kills, agents.reportFailures(), List.copyOf(problems), snapshot);
      }
    } finally {
      // a run with a problem, or one that did not complete, keeps the processes' logs and data for a look
      federation.down(clean, line -> {});
      if (!clean) say("  logs and data kept in " + dir);
    }
  }

  private static Result partial(Config config, Map<String, Double> stages, List<String> problems, String why) {
    problems.add(why);
    return new Result(config, stages, Double.NaN, List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Double.NaN, Double.NaN, Double.NaN, 0, 0, Map.of(), 0, List.of(), List.of(), 0,
        List.copyOf(problems), KnowledgeBaseSnapshot.NONE);
  }

  /**
   * Submits every application from {@code writers} clients; checks each answer names its own application and no revision
   * repeats, and records the revision each was answered with in {@code answered}.
   */
  private List<Double> submit(LeadAgentsClient client, Config config, Map<String, Long> answered, List<String> problems) throws InterruptedException {
    say("  submitting " + config.apps() + " applications of " + config.componentsPerApp() + " components from " + config.writers() + " writers");
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    Set<Long> revisions = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < config.writers(); w++) {
      writers.add(Thread.ofPlatform().start(() -> {
        for (int i = next.getAndIncrement(); i < config.apps(); i = next.getAndIncrement()) {
          String name = String.format("app-%05d", i + 1);
          String yaml = spec(name, config.componentsPerApp());
          for (int attempt = 1; ; attempt++) {
            long s = System.nanoTime();
            try {
              ApplyResponse r = client.apply(ApplyRequest.newBuilder().setSpecYaml(yaml).build());
              latencies.add((System.nanoTime() - s) / 1e6);
              if (!r.getApplication().equals(name)) problems.add("the answer to " + name + " names " + r.getApplication());
              if (!revisions.add(r.getSpecRevision())) problems.add("revision " + r.getSpecRevision() + " answered twice (" + name + ")");
              answered.put(name, r.getSpecRevision());
              break;
            } catch (StatusRuntimeException e) {
              if (attempt == 5) {
                problems.add(name + " not accepted after 5 attempts: " + e.getStatus());
                break;
              }
            }
          }
        }
      }));
    }
    long t = System.nanoTime();
    long lastSaid = System.nanoTime();
    while (writers.stream().anyMatch(Thread::isAlive)) {
      Thread.sleep(100);
      if (millis(lastSaid) < 2000) continue;
      lastSaid = System.nanoTime();
      say(String.format(Locale.ROOT, "    %d/%d accepted (%.0f/s)", latencies.size(), config.apps(), latencies.size() / seconds(t)));
    }
    say(String.format(Locale.ROOT, "    %d/%d accepted (%.0f/s)", latencies.size(), config.apps(), latencies.size() / seconds(t)));

    return List.copyOf(latencies);
  }

  /** Stops the live cluster holding the most components and times detection, re-commit, push and Ready of what it held. */
  private Failover failover(LeadAgentsClient client, SimulatedAgents agents, long timeoutMs, List<String> problems) throws InterruptedException {
    Map<String, List<String>> byCluster = agents.componentsByCluster();
    String victim = byCluster.entrySet().stream().max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.size(), b.size()))).orElseThrow().getKey();
    List<String> held = byCluster.get(victim);
    Set<String> apps = held.stream().map(c -> c.substring(0, c.indexOf('/'))).collect(Collectors.toCollection(java.util.TreeSet::new));
    say("  failing " + victim + " (" + held.size() + " components of " + apps.size() + " applications)");
    long t = System.nanoTime();
    agents.fail(victim);
    long detected = -1;
    long recommitted = -1;
    long pushed = -1;
    long ready = -1;
    long deadline = t + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline && ready < 0) {
      if (detected < 0) {
        boolean failed = client.call(s -> s.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList().stream()
            .anyMatch(c -> c.getName().equals(victim) && c.getHealth() == ClusterHealth.CLUSTER_HEALTH_FAILED);
        if (failed) detected = millis(t);
      }
      List<ApplicationStatus> affected = client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList()
          .stream().filter(a -> apps.contains(a.getName())).toList();
      boolean off = affected.stream().allMatch(a -> a.getComponentsList().stream().allMatch(c -> c.getDesiredList().stream()
          .noneMatch(r -> r.getCluster().equals(victim))));
      if (recommitted < 0 && off) recommitted = millis(t);
      if (pushed < 0 && off) {
        Set<String> running = agents.componentsByCluster().values().stream().flatMap(List::stream).collect(Collectors.toSet());
        if (running.containsAll(held)) pushed = millis(t);
      }
      if (pushed >= 0 && affected.stream().allMatch(a -> a.getPhase() == ApplicationStatus.Phase.READY)) ready = millis(t);
      Thread.sleep(100);
    }
    if (ready < 0) problems.add("the components of failed cluster " + victim + " were not all Ready elsewhere within " + timeoutMs + " ms");
    say(String.format(Locale.ROOT, "    detected %d ms, re-committed %d ms, pushed %d ms, Ready %d ms", detected, recommitted, pushed, ready));
    return new Failover(victim, held.size(), apps.size(), detected, recommitted, pushed, ready);
  }

  /** Kills the leader with SIGKILL, then starts it again; ms until a write is accepted again and until every live agent received a desired state again. */
  private LeaderKill killLeader(LocalFederation federation, LeadAgentsClient client, SimulatedAgents agents, long timeoutMs, int k) throws InterruptedException {
    LeaderResponse before = federation.awaitLeader(30_000);
    String leader = before.getLeaderId();
    say("  leader kill " + k + ": killing " + leader);
    long t = System.nanoTime();
    long killedAt = t / 1_000_000;
    federation.kill(leader);
    long writes = -1;
    for (int i = 0; writes < 0 && millis(t) < timeoutMs; i++) {
      try {
        int n = i;
        client.apply(ApplyRequest.newBuilder().setSpecYaml(spec("after-kill-" + k + "-" + n, 1)).build());
        writes = millis(t);
      } catch (StatusRuntimeException e) {
        // no leader yet
      }
    }
    long reconnected = -1;
    while (reconnected < 0 && millis(t) < timeoutMs) {
      if (agents.lastDesiredMillis().values().stream().allMatch(m -> m > killedAt)) reconnected = millis(t);
      else Thread.sleep(100);
    }
    say("    writes accepted after " + writes + " ms, every agent reconnected after " + reconnected + " ms");
    federation.start(federation.member(leader), List.of());
    // the killed lead agent restarted and caught up: the next kill starts from a full group
    federation.awaitCaughtUp(timeoutMs);
    long elections = federation.awaitLeader(30_000).getTerm() - before.getTerm();
    say("    " + elections + " election(s) until the group was whole again");
    return new LeaderKill(leader, writes, reconnected, elections);
  }

  private record Progress(long done, long of) {}

  /** Polls until done; false (and a line saying how far it got) when the timeout passed first. */
  private boolean awaitProgress(String what, long timeoutMs, java.util.function.Supplier<Progress> check) throws InterruptedException {
    long t = System.nanoTime();
    long lastSaid = 0;
    while (true) {
      Progress p;
      try {
        p = check.get();
      } catch (StatusRuntimeException e) {
        p = new Progress(-1, -1);
      }
      if (p.of() >= 0 && p.done() >= p.of()) {
        say(String.format(Locale.ROOT, "    %s: %d/%d after %.1f s", what, p.done(), p.of(), seconds(t)));
        return true;
      }
      if (millis(t) > timeoutMs) {
        say(String.format(Locale.ROOT, "    %s: only %d/%d after %d s: stopping here", what, p.done(), p.of(), timeoutMs / 1000));
        return false;
      }
      if (millis(t) - lastSaid >= 5000) {
        lastSaid = millis(t);
        say(String.format(Locale.ROOT, "    %s: %d/%d (%.0f s)", what, p.done(), p.of(), seconds(t)));
      }
      Thread.sleep(500);
    }
  }

  private static final Pattern PLACEMENT_LOOP = Pattern.compile("qonnect_loop_seconds_(count|sum|max)\\{[^}]*loop=\"placement\"[^}]*outcome=\"ok\"[^}]*} ([0-9.eE+-]+)");

  /** Per lead agent: placement rounds run so far, their total seconds, and the longest recent one. */
  /** Each process's /metrics text; a process not scraped is left out (counts as no rounds, no pauses). */
  private Map<String, String> scrapeMetrics(LocalFederation federation) {
    Map<String, String> out = new TreeMap<>();
    for (LocalFederation.Member m : federation.members()) {
      federation.metricsAddress(m).ifPresent(address -> {
        try {
          out.put(m.name(), http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | InterruptedException e) {
          // not scraped
        }
      });
    }
    return out;
  }

  /** Per process: the placement loop's round count, total seconds and longest round. */
  private static Map<String, double[]> placementRounds(Map<String, String> metrics) {
    Map<String, double[]> out = new TreeMap<>();
    metrics.forEach((name, body) -> {
      double[] v = new double[3];
      Matcher matcher = PLACEMENT_LOOP.matcher(body);
      while (matcher.find()) {
        int i = switch (matcher.group(1)) {
          case "count" -> 0;
          case "sum" -> 1;
          default -> 2;
        };
        v[i] = Double.parseDouble(matcher.group(2));
      }
      out.put(name, v);
    });
    return out;
  }

  private static final Pattern GC_PAUSE = Pattern.compile("(?m)^jvm_gc_pause_seconds_sum\\{[^}]*} ([0-9.eE+-]+)");

  private static final Pattern JVM_ALLOCATED = Pattern.compile("(?m)^jvm_gc_memory_allocated_bytes_total\\{[^}]*} ([0-9.eE+-]+)");
  private static final Pattern LOOP_ALLOCATED = Pattern.compile("(?m)^qonnect_loop_allocated_bytes_total\\{[^}]*loop=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)");

  /** The garbage collector's pauses so far, in seconds, over every collector and cause. */
  static double gcPauseSeconds(String metrics) {
    return sum(GC_PAUSE, metrics);
  }

  /** The sum of every sample {@code series} matches (its last group is the value). */
  static double sum(Pattern series, String metrics) {
    double sum = 0;
    Matcher matcher = series.matcher(metrics);
    while (matcher.find()) sum += Double.parseDouble(matcher.group(matcher.groupCount()));
    return sum;
  }

  /** Bytes each periodic loop allocated so far, by loop. */
  static Map<String, Double> byLoop(String metrics) {
    Map<String, Double> out = new TreeMap<>();
    Matcher matcher = LOOP_ALLOCATED.matcher(metrics);
    while (matcher.find()) out.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
    return out;
  }

  /** "placement 120, health 3" (MB/s, the busiest first; loops under 0.5 MB/s left out). */
  private static String loops(Map<String, Double> mbps) {
    return String.join(", ", mbps.entrySet().stream().filter(e -> e.getValue() >= 0.5).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue())).toList());
  }

  /** Mean and max ms of the placement rounds run between two scrapes (on whichever lead agent led). */
  private static double[] roundTime(Map<String, double[]> before, Map<String, double[]> after) {
    double count = 0;
    double sum = 0;
    double max = 0;
    for (var e : after.entrySet()) {
      double[] b = before.getOrDefault(e.getKey(), new double[3]);
      count += e.getValue()[0] - b[0];
      sum += e.getValue()[1] - b[1];
      if (e.getValue()[0] > b[0]) max = Math.max(max, e.getValue()[2]);
    }
    return new double[] {count == 0 ? Double.NaN : sum / count * 1000, max * 1000};
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private static long millis(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }

  private static KnowledgeBaseSnapshot knowledgeBaseSnapshot(LocalFederation federation) {
    var channel = federation.transport(LocalFederation.ADMIN).channel(federation.knowledgeBaseAddress().orElseThrow(), io.qonnect.transport.Identity.KnowledgeBase.class);
    try {
      int pages = 0;
      long bytes = 0;
      long samples = 0;
      int largest = 0;
      var it = io.qonnect.proto.v1.KnowledgeBaseGrpc.newBlockingStub(channel).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
          .snapshotPages(io.qonnect.proto.v1.SnapshotRequest.getDefaultInstance());
      while (it.hasNext()) {
        var page = it.next();
        pages++;
        bytes += page.getSerializedSize();
        largest = Math.max(largest, page.getSerializedSize());
        for (var r : page.getLatencyList()) samples += r.getSamplesCount();
      }
      return new KnowledgeBaseSnapshot(pages, bytes, samples, largest);
    } finally {
      channel.shutdownNow();
    }
  }

  private static double percentile(List<Double> values, double p) {
    return io.qonnect.testbed.bench.FederationBench.percentile(values, p);
  }

  public static String report(Result r, String command) {
    StringBuilder b = new StringBuilder();
    Config c = r.config();
    b.append("Command: `").append(command).append("`  \n");
    b.append("Java ").append(Runtime.version()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores; ")
        .append("3 lead agents and the knowledge base as separate JVMs, ").append(c.clusters()).append(" simulated member clusters' agents in one more ")
        .append("(real protocol and mutual TLS, no Kubernetes; components Ready ").append(c.agents().readyDelayMs()).append(" ms after they arrive")
        .append(c.agents().nodeScale() > 1 ? "; " + c.agents().nodeScale() + " times the nodes of a tier's cluster" : "").append("), ")
        .append(c.apps()).append(" applications of ").append(c.componentsPerApp()).append(" components.\n\n");
    b.append("| stage | seconds |\n|---|---:|\n");
    r.stages().forEach((stage, s) -> b.append(String.format(Locale.ROOT, "| %s | %.1f |%n", stage, s)));
    b.append(String.format(Locale.ROOT, "%nSubmissions: %.0f accepted/s from %d writers, p50 %.1f ms, p99 %.1f ms.%n", r.commitsPerSecond(), c.writers(),
        percentile(r.submitMs(), 50), percentile(r.submitMs(), 99)));
    b.append(String.format(Locale.ROOT, "%nFrom the first submission until all were Ready: the agents received %.1f MB of desired state (%s); CPU seconds: %s.%n",
        r.placingDesiredBytes() / 1e6, c.agents().deltas() ? "deltas" : "complete states, as agents before 0.8",
        r.placingCpuSeconds().entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue())).collect(Collectors.joining(", "))));
    b.append(String.format(Locale.ROOT, "%nSteady state (%d s): placement round mean %.1f ms, max %.1f ms; desired state pushed %.0f B/s; largest desired "
        + "state message %d B, largest application list %d B; reports that failed: %d.%n%n", c.steadySeconds(), r.placementRoundMs(), r.placementRoundMaxMs(),
        r.desiredBytesPerSecond(), r.largestDesiredBytes(), r.largestListBytes(), r.reportFailures()));
    KnowledgeBaseSnapshot kb = r.snapshot();
    b.append(String.format(Locale.ROOT, "Knowledge base snapshot: %d pages, %.1f MB in all (largest page %d B), %d round trips measured (all pairs: %d).%n%n",
        kb.pages(), kb.bytes() / 1e6, kb.largestPageBytes(), kb.latencySamples(), (long) c.clusters() * (c.clusters() - 1)));
    b.append("| process | CPU (cores) | of which GC pauses | allocated MB/s | of which by its loops | RSS MiB |\n|---|---:|---:|---:|---|---:|\n");
    r.cpuCores().forEach((p, cores) -> b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.0f | %s | %d |%n", p, cores, r.gcPauseCores().getOrDefault(p, 0.0),
        r.allocatedMBps().getOrDefault(p, 0.0), loops(r.loopAllocatedMBps().getOrDefault(p, Map.of())), r.rssMiB().getOrDefault(p, 0L))));
    if (!r.failovers().isEmpty()) {
      b.append("\n| failed cluster | components | applications | detected ms | re-committed ms | pushed ms | Ready ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
      for (Failover f : r.failovers()) {
        b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d |%n", f.cluster(), f.components(), f.applications(), f.detectedMs(),
            f.recommittedMs(), f.pushedMs(), f.readyMs()));
      }
    }
    if (!r.leaderKills().isEmpty()) {
      b.append("\n| leader kill -9 | leader | writes accepted again ms | every agent reconnected (a desired state received) ms | elections until whole again |\n"
          + "|---|---|---:|---:|---:|\n");
      for (int k = 0; k < r.leaderKills().size(); k++) {
        LeaderKill kill = r.leaderKills().get(k);
        b.append(String.format(Locale.ROOT, "| %d | %s | %d | %d | %d |%n", k + 1, kill.leader(), kill.writesAcceptedMs(), kill.agentsReconnectedMs(),
            kill.elections()));
      }
      if (r.leaderKills().size() > 1) {
        b.append(String.format(Locale.ROOT, "| median | | %.0f | %.0f | %.0f |%n",
            percentile(r.leaderKills().stream().map(x -> (double) x.writesAcceptedMs()).toList(), 50),
            percentile(r.leaderKills().stream().map(x -> (double) x.agentsReconnectedMs()).toList(), 50),
            percentile(r.leaderKills().stream().map(x -> (double) x.elections()).toList(), 50)));
      }
    }
    b.append(r.problems().isEmpty() ? "\nProblems: none.\n" : "\nProblems:\n" + r.problems().stream().map(p -> "- " + p + "\n").collect(Collectors.joining()));
    return b.toString();
  }
}
