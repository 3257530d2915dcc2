package io.qonnect.testbed.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.ProcessStats;
import io.qonnect.testbed.cluster.Testbed;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource agent's footprint on a big member cluster: one testbed cluster given many more KWOK nodes and
 * thousands of pods that qonnect does not manage (bound to their nodes directly, as a scheduler would), then the real
 * agent (the JVM options of deploy/, under its least-privilege ServiceAccount) started against it with a local
 * federation. Measured once it reports the cluster, at rest: resident memory, heap in use, and CPU over an idle window.
 * Also checks the agent still sees what the pods request (a footprint bought by not reading pods would show there).
 */
public final class AgentFootprintBench {
  /** Pods per KWOK node, below the 110 a node takes. */
  private static final int PODS_PER_NODE = 100;
  private static final String CLUSTER = "cloud-1";
  private static final String LOAD = "footprint-load";

  /**
   * @param usedCpuMillis what the leader shows the cluster's other workloads requesting, from the agent's report
   */
  public record Result(int pods, int nodes, double loadSeconds, double agentReadySeconds, long agentRssMiB, long agentHeapUsedMiB,
      double idleCores, int idleSeconds, long usedCpuMillis) {}

  public Result run(Path binDir, int pods, int idleSeconds, PrintWriter progress) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("qonnect-agent-footprint-");
    Testbed testbed = new Testbed(dir.resolve("testbed"), binDir);
    LocalFederation federation = new LocalFederation(dir.resolve("federation"), System.getProperty("java.class.path"), LocalFederation.defaultJvmOptions());
    try {
      testbed.up(MemberClusterSpec.parseLayout("cloud=1"), line -> say(progress, "  " + line));
      int nodes = (pods + PODS_PER_NODE - 1) / PODS_PER_NODE;
      long t0 = System.nanoTime();
      try (KubernetesClient kube = testbed.client(CLUSTER)) {
        load(kube, nodes, pods, progress);
      }
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      say(progress, String.format("  %d pods Running on %d extra nodes in %.1f s; starting the federation and the agent", pods, nodes, loadSeconds));

      federation.up(3, List.of(), line -> { });
      long a0 = System.nanoTime();
      federation.upAgents(testbed.kubeconfig(), null, List.of(CLUSTER), line -> say(progress, "  " + line));
      LocalFederation.Member agent = federation.member(LocalFederation.agentName(CLUSTER));
      String metrics = federation.metricsAddress(agent).orElseThrow();
      long used = awaitReported(federation, agent, pods);
      double readySeconds = (System.nanoTime() - a0) / 1e9;
      say(progress, String.format("  the agent reported %d pods' requests %.1f s after it started; settling 15 s, then %d s idle", pods, readySeconds, idleSeconds));
      Thread.sleep(15_000);
      long pid = federation.pid(agent).orElseThrow();
      long cpu0 = ProcessStats.cpuMillis(pid);
      long w0 = System.nanoTime();
      Thread.sleep(idleSeconds * 1000L);
      double idleCores = (ProcessStats.cpuMillis(pid) - cpu0) / ((System.nanoTime() - w0) / 1e6);
      long rssMiB = ProcessStats.rssKiB(pid) / 1024;
      long heapMiB = heapUsedBytes(metrics) / (1 << 20);
      return new Result(pods, nodes, loadSeconds, readySeconds, rssMiB, heapMiB, idleCores, idleSeconds, used);
    } finally {
      federation.down(true, line -> { });
      testbed.down(line -> { });
    }
  }

  /** Extra KWOK nodes, and {@code pods} pods bound to them round robin, created in parallel; waits until all are Running. */
  private static void load(KubernetesClient kube, int nodes, int pods, PrintWriter progress) throws InterruptedException {
    Map<String, Quantity> capacity = Map.of("cpu", new Quantity("32"), "memory", new Quantity("128Gi"), "pods", new Quantity("110"));
    for (int n = 1; n <= nodes; n++) {
      Node node = new NodeBuilder().withNewMetadata().withName("footprint-" + n).addToLabels(Testbed.KWOK_MANAGED, "true").addToLabels("type", "kwok")
          .endMetadata().withNewStatus().withAllocatable(capacity).withCapacity(capacity).endStatus().build();
      kube.nodes().resource(node).create();
    }
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(LOAD).endMetadata().build()).create();
    ExecutorService creators = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> created = new java.util.ArrayList<>();
      for (int i = 0; i < pods; i++) {
        int n = i;
        created.add(creators.submit(() -> kube.pods().inNamespace(LOAD).resource(new PodBuilder()
            .withNewMetadata().withName("load-" + n).addToLabels("app", "load").endMetadata()
            .withNewSpec().withNodeName("footprint-" + (n % nodes + 1))
            .addNewContainer().withName("load").withImage("registry.example/load:1")
            .withNewResources().addToRequests("cpu", new Quantity("1m")).addToRequests("memory", new Quantity("1Mi")).endResources()
            .endContainer().endSpec().build()).create()));
      }
      for (int i = 0; i < created.size(); i++) {
        try {
          created.get(i).get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("creating pod load-" + i + ": " + e.getCause().getMessage(), e.getCause());
        }
        if ((i + 1) % 1000 == 0) say(progress, "  " + (i + 1) + " pods created");
      }
    } finally {
      creators.shutdownNow();
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (true) {
      long running = kube.pods().inNamespace(LOAD).list().getItems().stream()
          .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
      if (running >= pods) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("only " + running + " of " + pods + " pods Running after 10 minutes");
      say(progress, "  " + running + " of " + pods + " pods Running");
      Thread.sleep(5_000);
    }
  }

  /** Waits until the leader shows the cluster's other workloads requesting what the pods request (1m each). */
  private static long awaitReported(LocalFederation federation, LocalFederation.Member agent, int pods) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (var client = federation.client(10_000)) {
      while (true) {
        if (federation.pid(agent).isEmpty()) throw new IllegalStateException("the agent exited; its log: " + federation.log(agent));
        long used = client.call(s -> s.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList().stream()
            .filter(c -> c.getName().equals(CLUSTER)).mapToLong(c -> c.getUsed().getCpuMillis()).findFirst().orElse(0);
        if (used >= pods) return used;
        if (System.nanoTime() > deadline) throw new IllegalStateException("the agent's report shows " + used + "m requested, expected " + pods + "m, after 5 minutes");
        Thread.sleep(1_000);
      }
    }
  }

  private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)");

  private static long heapUsedBytes(String metricsAddress) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + metricsAddress + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = HEAP.matcher(body);
      double sum = 0;
      while (m.find()) sum += Double.parseDouble(m.group(1));
      return (long) sum;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public static String report(Result r, String command) {
    return String.format("""
        ## Resource agent footprint

        `%s`

        | pods (not qonnect's) | KWOK nodes | pods Running after (s) | agent reported them after (s) | agent RSS (MiB) | heap in use (MiB) | idle CPU (cores, %d s) | requests seen (cpu m) |
        |---:|---:|---:|---:|---:|---:|---:|---:|
        | %d | %d | %.1f | %.1f | %d | %d | %.4f | %d |
        """, command, r.idleSeconds(), r.pods(), r.nodes(), r.loadSeconds(), r.agentReadySeconds(), r.agentRssMiB(), r.agentHeapUsedMiB(), r.idleCores(),
        r.usedCpuMillis());
  }

  private static void say(PrintWriter progress, String line) {
    progress.println(line);
    progress.flush();
  }
}
