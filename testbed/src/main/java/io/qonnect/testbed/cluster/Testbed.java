package io.qonnect.testbed.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Real member clusters on this machine. Each is a kwokctl cluster on the binary runtime: etcd,
 * kube-apiserver, kube-controller-manager and kube-scheduler as local processes bound to 127.0.0.1, plus a
 * KWOK controller that plays the kubelets of the cluster's simulated nodes (so Deployments really become
 * scheduled, Running, Ready pods). Node failure shows within seconds: a node whose KWOK "kubelet" stops is
 * NotReady after the 8 s node-monitor grace period, and its pods are evicted 10 s later (edge timing, not 5 min).
 *
 * <p>Everything lives under one work directory: {@code kwok/} (kwokctl's state, one folder per cluster),
 * {@code kubeconfig} (one context per member cluster, named after it), {@code inventory.yaml} (a
 * ClusterInventory of the member clusters), {@code clusters.tsv} (the layout), {@code logs/}.
 */
public final class Testbed {
  /** Nodes carrying this label are played by KWOK; removing it stops the node's heartbeats. */
  public static final String KWOK_MANAGED = "qonnect.io/kwok-managed";
  private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path workDir;
  private final Path binDir;

  public Testbed(Path workDir, Path binDir) {
    this.workDir = workDir.toAbsolutePath();
    this.binDir = binDir.toAbsolutePath();
  }

  /** {@code $QONNECT_TESTBED_DIR}, or {@code ~/.qonnect/testbed}. */
  public static Path defaultWorkDir() {
    String env = System.getenv("QONNECT_TESTBED_DIR");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".qonnect", "testbed");
  }

  public Path workDir() {
    return workDir;
  }

  public Path kubeconfig() {
    return workDir.resolve("kubeconfig");
  }

  public Path inventory() {
    return workDir.resolve("inventory.yaml");
  }

  /** Whether a testbed in {@code workDir} holds member clusters (up, or stopped by a drill): 'testbed up' would reuse them. */
  public static boolean holdsClusters(Path workDir) {
    return Files.isRegularFile(workDir.resolve("clusters.tsv"));
  }

  /** The member clusters this testbed holds (empty when none is up). */
  public List<MemberClusterSpec> clusters() {
    Path layout = workDir.resolve("clusters.tsv");
    if (!Files.isRegularFile(layout)) return List.of();
    try (Stream<String> lines = Files.lines(layout)) {
      return lines.filter(l -> !l.isBlank()).map(l -> l.split("\t"))
          .map(f -> new MemberClusterSpec(f[0], io.qonnect.placement.spec.Tier.fromYaml(f[1]).orElseThrow(), Integer.parseInt(f[2]), f[3]))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Brings up every cluster of {@code wanted} that is not running yet (idempotent: running clusters and
   * existing nodes are left as they are), then rewrites the kubeconfig and the inventory.
   */
  public void up(List<MemberClusterSpec> wanted, Consumer<String> progress) {
    mkdirs();
    writeKwokctlConfig();
    List<MemberClusterSpec> all = new ArrayList<>(clusters());
    for (MemberClusterSpec c : wanted) if (all.stream().noneMatch(x -> x.name().equals(c.name()))) all.add(c);
    writeLayout(all);
    for (MemberClusterSpec c : wanted) {
      long t0 = System.nanoTime();
      if (!exists(c.name())) {
        progress.accept(c.name() + ": creating control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok)");
        kwokctl(CREATE_TIMEOUT, "create", "cluster", "--name", c.name(), "--runtime", "binary", "--config", kwokctlConfig().toString(),
            "--heartbeat-factor", "1", "--kubeconfig", workDir.resolve("kwok/kwokctl-kubeconfig.yaml").toString(), "--wait", "120s",
            "--kube-apiserver-binary", bin("kube-apiserver"), "--kube-controller-manager-binary", bin("kube-controller-manager"),
            "--kube-scheduler-binary", bin("kube-scheduler"), "--etcd-binary", bin("etcd"), "--kwok-controller-binary", bin("kwok"));
      } else if (!running(c.name())) {
        progress.accept(c.name() + ": starting stopped cluster");
        start(c.name());
      } else {
        progress.accept(c.name() + ": already running");
      }
      writeKubeconfig(all);
      try (KubernetesClient client = client(c.name())) {
        int created = ensureNodes(client, c);
        awaitNodesReady(client, c, Duration.ofSeconds(60));
        progress.accept(String.format(Locale.ROOT, "%s: ready in %.1f s — %d %s nodes (%d × %d cpu, %d Gi)%s", c.name(),
            (System.nanoTime() - t0) / 1e9, c.profile().nodes(), c.tier().yamlName(), c.profile().nodes(), c.profile().cores(),
            c.profile().memoryGiB(), created > 0 ? "" : ", nodes already there"));
      }
    }
    writeKubeconfig(all);
    writeInventory(all);
  }

  /** Deletes every cluster and the whole work directory. */
  public void down(Consumer<String> progress) {
    for (MemberClusterSpec c : clusters()) {
      if (exists(c.name())) {
        kwokctl(Duration.ofMinutes(1), "delete", "cluster", "--name", c.name());
        progress.accept(c.name() + ": deleted");
      }
    }
    // kwokctl may leave clusters that never made it into the layout (an interrupted up).
    Path kwokClusters = workDir.resolve("kwok/clusters");
    if (Files.isDirectory(kwokClusters)) {
      try (Stream<Path> left = Files.list(kwokClusters)) {
        for (Path dir : left.toList()) kwokctl(Duration.ofMinutes(1), "delete", "cluster", "--name", dir.getFileName().toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    deleteRecursively(workDir);
  }

  /** Stops a member cluster's processes: its API server stops answering. Its objects stay in its etcd. */
  public void stop(String name) {
    requireKnown(name);
    kwokctl(Duration.ofMinutes(1), "stop", "cluster", "--name", name);
  }

  /** Starts a stopped member cluster and waits until its API server answers again. */
  public void start(String name) {
    requireKnown(name);
    kwokctl(Duration.ofMinutes(2), "start", "cluster", "--name", name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (KubernetesClient client = client(name)) {
        client.nodes().list();
        return;
      } catch (KubernetesClientException e) {
        sleep(250);
      }
    }
    throw new TestbedException(name + ": API server did not answer within 60 s of start");
  }

  /**
   * Makes a node NotReady (its simulated kubelet stops heartbeating; the node controller notices after the
   * grace period) or Ready again (heartbeats resume at once).
   */
  public void setNodeReady(String cluster, String node, boolean ready) {
    requireKnown(cluster);
    try (KubernetesClient client = client(cluster)) {
      var resource = client.nodes().withName(node);
      if (resource.get() == null) throw new TestbedException(cluster + " has no node " + node);
      // a merge patch of the one label, not a read-modify-write: the node controller changes the node meanwhile
      // (taints, conditions), and an update carrying the version read would fail with a conflict
      String label = ready ? "\"true\"" : "null";
      resource.patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"metadata\":{\"labels\":{\"" + KWOK_MANAGED + "\":" + label + "}}}");
      if (ready) markPodsReady(client, node);
    }
  }

  /**
   * What a kubelet does when its node comes back: report its pods Ready again. KWOK only simulates a pod's
   * start, so without this the pods the node controller marked NotReady would stay so.
   */
  private static void markPodsReady(KubernetesClient client, String node) {
    for (Pod listed : client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems()) {
      var resource = client.pods().inNamespace(listed.getMetadata().getNamespace()).withName(listed.getMetadata().getName());
      for (int attempt = 0; attempt < 3; attempt++) { // the pod may be updated or deleted meanwhile, as by a kubelet's peers
        Pod pod = attempt == 0 ? listed : resource.get();
        if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) break;
        List<PodCondition> stale = pod.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("Ready") && !c.getStatus().equals("True")).toList();
        if (stale.isEmpty()) break;
        stale.forEach(c -> {
          c.setStatus("True");
          c.setLastTransitionTime(java.time.Instant.now().toString());
        });
        try {
          client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
          break;
        } catch (KubernetesClientException e) {
          if (e.getCode() == 404) break;         // deleted meanwhile: nothing to mark
          if (e.getCode() != 409) throw e;       // changed meanwhile: read it again
        }
      }
    }
  }

  /** A fabric8 client for one member cluster (close it). */
  public KubernetesClient client(String name) {
    Path own = workDir.resolve("kwok/clusters").resolve(name).resolve("kubeconfig.yaml");
    try {
      Config config = Config.fromKubeconfig(null, Files.readString(own), own.toString());
      config.setConnectionTimeout(3_000);
      config.setRequestTimeout(10_000);
      config.setRequestRetryBackoffLimit(0);
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new TestbedException(name + ": no kubeconfig at " + own + " (is the cluster up?)", e);
    }
  }

  /** What is running: one line per cluster. Never throws for a cluster that is down. */
  public List<ClusterStatus> status() {
    List<ClusterStatus> out = new ArrayList<>();
    for (MemberClusterSpec c : clusters()) {
      List<Long> pids = pids(c.name());
      boolean running = running(c.name());
      int ready = -1, total = -1;
      String server = server(c.name()).orElse("");
      if (running) {
        try (KubernetesClient client = client(c.name())) {
          List<Node> nodes = client.nodes().list().getItems();
          total = nodes.size();
          ready = (int) nodes.stream().filter(Testbed::isReady).count();
        } catch (KubernetesClientException | TestbedException e) {
          // API not answering: reported as -1 nodes.
        }
      }
      long rss = pids.stream().mapToLong(ProcessStats::rssKiB).sum();
      out.add(new ClusterStatus(c.name(), c.tier().yamlName(), c.region(), running, server, ready, total, rss / 1024, pids));
    }
    return out;
  }

  /** One member cluster's state, as {@code testbed status} shows it. */
  public record ClusterStatus(String name, String tier, String region, boolean running, String server, int nodesReady, int nodes,
      long rssMiB, List<Long> pids) {}

  public boolean running(String name) {
    List<Long> pids = pids(name);
    return !pids.isEmpty() && pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  private boolean exists(String name) {
    return Files.isDirectory(workDir.resolve("kwok/clusters").resolve(name));
  }

  /** Process ids of a cluster's components, from kwokctl's pid files. */
  public List<Long> pids(String name) {
    Path dir = workDir.resolve("kwok/clusters").resolve(name).resolve("pids");
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".pid")).sorted().map(f -> {
        try {
          return Long.parseLong(Files.readString(f).strip());
        } catch (IOException | NumberFormatException e) {
          return -1L;
        }
      }).filter(p -> p > 0).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private Optional<String> server(String name) {
    Path own = workDir.resolve("kwok/clusters").resolve(name).resolve("kubeconfig.yaml");
    try {
      Map<?, ?> kc = YAML.readValue(own.toFile(), Map.class);
      return Optional.ofNullable((String) ((Map<?, ?>) ((Map<?, ?>) ((List<?>) kc.get("clusters")).getFirst()).get("cluster")).get("server"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private int ensureNodes(KubernetesClient client, MemberClusterSpec c) {
    TierProfile p = c.profile();
    int created = 0;
    for (int i = 1; i <= p.nodes(); i++) {
      String name = c.nodeName(i);
      if (client.nodes().withName(name).get() != null) continue;
      Map<String, Quantity> resources = Map.of("cpu", new Quantity(Integer.toString(p.cores())), "memory", new Quantity(p.memoryGiB() + "Gi"),
          "pods", new Quantity("110"), "ephemeral-storage", new Quantity(p.storage()));
      Node node = new NodeBuilder()
          .withNewMetadata().withName(name)
            .addToLabels(KWOK_MANAGED, "true")
            .addToLabels("type", "kwok")
            .addToLabels("kubernetes.io/hostname", name)
            .addToLabels("kubernetes.io/os", "linux")
            .addToLabels("topology.kubernetes.io/region", c.region())
            .addToLabels("qonnect.io/cluster", c.name())
            .addToLabels("qonnect.io/tier", c.tier().yamlName())
            .addToLabels("qonnect.io/idle-watts", fmt(p.idleWatts()))
            .addToLabels("qonnect.io/max-watts", fmt(p.maxWatts()))
            .addToLabels("qonnect.io/price-per-core-hour", fmt(p.perCoreHour()))
            .addToLabels("qonnect.io/price-per-gib-hour", fmt(p.perGiBHour()))
            .addToLabels("qonnect.io/bandwidth-mbps", Integer.toString(p.bandwidthMbps()))
          .endMetadata()
          .withNewStatus().withAllocatable(resources).withCapacity(resources).endStatus()
          .build();
      client.nodes().resource(node).create();
      created++;
    }
    return created;
  }

  private static void awaitNodesReady(KubernetesClient client, MemberClusterSpec c, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Node> nodes = client.nodes().list().getItems();
      if (nodes.size() >= c.profile().nodes() && nodes.stream().allMatch(Testbed::isReady)) return;
      sleep(250);
    }
    throw new TestbedException(c.name() + ": nodes not Ready within " + timeout.toSeconds() + " s");
  }

  static boolean isReady(Node n) {
    return n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
        .anyMatch(cond -> "Ready".equals(cond.getType()) && "True".equals(cond.getStatus()));
  }

  /** Loopback only, fast failure detection, and KWOK playing only the nodes labelled for it. */
  private void writeKwokctlConfig() {
    write(kwokctlConfig(), """
        # Written by qonnect's testbed. Timings: kwokctl multiplies them by --heartbeat-factor (we pass 1).
        apiVersion: config.kwok.x-k8s.io/v1alpha1
        kind: KwokctlConfiguration
        options:
          bindAddress: 127.0.0.1
          heartbeatFactor: 1
          kubeControllerManagerNodeMonitorPeriodMilliseconds: 1000
          kubeControllerManagerNodeMonitorGracePeriodMilliseconds: 8000
          nodeLeaseDurationSeconds: 4
          nodeStatusUpdateFrequencyMilliseconds: 2000
        componentsPatches:
          # pods on a NotReady node are evicted (and replaced on a Ready one) after 10 s, not 5 min: edge timing
          - name: kube-apiserver
            extraArgs:
              - key: default-not-ready-toleration-seconds
                value: "10"
              - key: default-unreachable-toleration-seconds
                value: "10"
          - name: kwok-controller
            extraArgs:
              - key: manage-all-nodes
                value: "false"
              - key: manage-nodes-with-label-selector
                value: %s=true
        """.formatted(KWOK_MANAGED));
  }

  private Path kwokctlConfig() {
    return workDir.resolve("kwokctl.yaml");
  }

  /** One context per member cluster, named after it, built from each cluster's own kubeconfig. */
  private void writeKubeconfig(List<MemberClusterSpec> all) {
    List<Object> clusters = new ArrayList<>(), users = new ArrayList<>(), contexts = new ArrayList<>();
    for (MemberClusterSpec c : all) {
      Path own = workDir.resolve("kwok/clusters").resolve(c.name()).resolve("kubeconfig.yaml");
      if (!Files.isRegularFile(own)) continue;
      try {
        Map<?, ?> kc = YAML.readValue(own.toFile(), Map.class);
        Object cluster = ((Map<?, ?>) ((List<?>) kc.get("clusters")).getFirst()).get("cluster");
        Object user = ((Map<?, ?>) ((List<?>) kc.get("users")).getFirst()).get("user");
        clusters.add(Map.of("name", c.name(), "cluster", cluster));
        users.add(Map.of("name", c.name(), "user", user));
        contexts.add(Map.of("name", c.name(), "context", Map.of("cluster", c.name(), "user", c.name())));
      } catch (IOException | RuntimeException e) {
        throw new TestbedException(c.name() + ": cannot read " + own + ": " + e.getMessage(), e);
      }
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    merged.put("apiVersion", "v1");
    merged.put("kind", "Config");
    merged.put("clusters", clusters);
    merged.put("users", users);
    merged.put("contexts", contexts);
    if (!contexts.isEmpty()) merged.put("current-context", ((Map<?, ?>) contexts.getFirst()).get("name"));
    try {
      write(kubeconfig(), YAML.writeValueAsString(merged));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ClusterInventory of the member clusters, for the offline planner (and, later, as the seed of the knowledge base). */
  private void writeInventory(List<MemberClusterSpec> all) {
    StringBuilder b = new StringBuilder("""
        # Written by `qonnect testbed up`: the member clusters of this testbed. Latencies come from the testbed's
        # latency model (loopback has none); capacity, power and prices from the tier profiles.
        apiVersion: qonnect.io/v1
        kind: ClusterInventory
        metadata:
          name: testbed
        spec:
          clusters:
        """);
    for (MemberClusterSpec c : all) {
      TierProfile p = c.profile();
      b.append("    - name: ").append(c.name()).append('\n');
      b.append("      tier: ").append(c.tier().yamlName()).append('\n');
      b.append("      region: ").append(c.region()).append('\n');
      b.append(String.format(Locale.ROOT, "      nodes: {count: %d, cpu: %d, memory: %dGi, idleWatts: %s, maxWatts: %s, bandwidthMbps: %d, storage: %s}%n",
          p.nodes(), p.cores(), p.memoryGiB(), fmt(p.idleWatts()), fmt(p.maxWatts()), p.bandwidthMbps(), p.storage()));
      b.append(String.format(Locale.ROOT, "      prices: {perCoreHour: %s, perGiBHour: %s}%n", fmt(p.perCoreHour()), fmt(p.perGiBHour())));
      List<String> rtt = all.stream().filter(o -> !o.name().equals(c.name())).map(o -> o.name() + ": " + fmt(LatencyModel.between(c, o))).toList();
      if (!rtt.isEmpty()) b.append("      latencyMs: {").append(String.join(", ", rtt)).append("}\n");
      List<String> users = TierProfile.CLOUD.regions().stream().distinct().map(r -> r + ": " + fmt(LatencyModel.fromUsers(r, c))).toList();
      b.append("      userLatencyMs: {").append(String.join(", ", users)).append("}\n");
    }
    write(inventory(), b.toString());
  }

  private void writeLayout(List<MemberClusterSpec> all) {
    StringBuilder b = new StringBuilder();
    for (MemberClusterSpec c : all) b.append(c.name()).append('\t').append(c.tier().yamlName()).append('\t').append(c.index()).append('\t').append(c.region()).append('\n');
    write(workDir.resolve("clusters.tsv"), b.toString());
  }

  private void kwokctl(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(bin("kwokctl")));
    command.addAll(List.of(args));
    Path log = workDir.resolve("logs/kwokctl.log");
    try {
      mkdirs();
      Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("KWOK_WORKDIR", workDir.resolve("kwok").toString());
      pb.directory(workDir.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new TestbedException("kwokctl " + String.join(" ", args) + " timed out after " + timeout.toSeconds() + " s; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new TestbedException("kwokctl " + args[0] + " " + args[1] + " " + args[3] + " failed (exit " + p.exitValue() + "); last lines of " + log + ":\n" + tail(log, 8));
      }
    } catch (IOException e) {
      throw new TestbedException("cannot run kwokctl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestbedException("interrupted", e);
    }
  }

  private void requireKnown(String name) {
    if (clusters().stream().noneMatch(c -> c.name().equals(name))) {
      throw new TestbedException("no member cluster named '" + name + "' (the testbed has: "
          + String.join(", ", clusters().stream().map(MemberClusterSpec::name).toList()) + ")");
    }
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private void mkdirs() {
    try {
      Files.createDirectories(workDir.resolve("logs"));
      Files.createDirectories(workDir.resolve("kwok"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(unreadable)";
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new TestbedException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestbedException("interrupted", e);
    }
  }
}
