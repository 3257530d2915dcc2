package io.qonnect.agent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.qonnect.transport.Access;
import io.qonnect.transport.Identity;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.agent.reconcile.ObservedObject;
import io.qonnect.agent.reconcile.Plan;
import io.qonnect.agent.reconcile.RetryBook;
import io.qonnect.agent.apply.PlanExecutor;
import io.qonnect.agent.reconcile.Reconciliation;
import io.qonnect.agent.report.CapacityCollector;
import io.qonnect.agent.report.ClusterPlacement;
import io.qonnect.agent.report.SlimPods;
import io.qonnect.agent.probe.UserLatency;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.qonnect.agent.apply.ObjectEvents;
import io.qonnect.ops.Loop;
import io.qonnect.ops.Ops;
import io.qonnect.agent.probe.PeerProber;
import io.qonnect.agent.report.RunningComponents;
import io.qonnect.agent.report.ReadinessReports;
import io.qonnect.agent.reconcile.Namespaces;
import io.qonnect.agent.reconcile.HeldLeases;
import io.qonnect.agent.upstream.LeadStream;
import io.grpc.Server;
import io.qonnect.proto.v1.SingletonLease;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.RegisterClusterRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource agent of one member cluster: fabric8 informers for what exists, the leader's stream for what
 * should, a level-based reconcile loop in between (pure planning, server-side apply), and reports to the
 * knowledge base. Wiring and the small loops only; decisions are in {@code reconcile} and {@code report}.
 */
public final class ResourceAgentMain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceAgentMain.class);
  /**
   * What the agent may create and therefore watches and deletes: the kinds its RBAC grants. Deployments are
   * watched once, typed (their ready replicas are reported), and join the others as observed objects; the ready
   * replicas of StatefulSets are read from their generic form.
   */
  private static final List<String[]> MANAGED_KINDS = List.of(
      new String[] {"v1", "Namespace"}, new String[] {"v1", "Service"}, new String[] {"v1", "ConfigMap"}, new String[] {"v1", "Secret"},
      new String[] {"apps/v1", "StatefulSet"});

  private final ResourceAgentConfig config;
  private final KubernetesClient kube;
  /** The real cluster behind the name: its kube-system namespace's UID, which the lead agents bind the name to ("" if unreadable). */
  private final String clusterUid;
  private final SharedIndexInformer<Node> nodes;
  /** Objects per page when an informer lists what exists (at start and after its watch expires). */
  private static final long LIST_PAGE = 500;

  private final SharedIndexInformer<Pod> pods;
  private final SlimPods podUsage = new SlimPods();
  private final List<SharedIndexInformer<GenericKubernetesResource>> managed = new ArrayList<>();
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> managedByKind = new HashMap<>();
  private final SharedIndexInformer<Deployment> deployments;
  private final AtomicReference<DesiredState> desired = new AtomicReference<>();
  private final ScheduledExecutorService loops = Executors.newScheduledThreadPool(2);
  private final ExecutorService appliers = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("apply-", 0).daemon().factory());
  private final PlanExecutor executor;
  private final ManagedChannel kbChannel;
  private final LeadStream leadStream;
  /** Wall time, only to stamp reports; leases are timed by {@link #monotonicMillis} (a clock step cannot stretch them). */
  private final Clock clock = Clock.systemUTC();
  private final LongSupplier monotonicMillis = () -> System.nanoTime() / 1_000_000;
  private final Ops ops = new Ops("resource-agent", monotonicMillis);
  /** Every reconcile, periodic or triggered, and every report goes through these: their boundaries catch everything. */
  private final Loop reconcileLoop = ops.loop("reconcile", 1000);
  private final Loop reportLoop;
  private final ObjectEvents events;
  private final Counter reconcileErrors = Counter.builder("qonnect.agent.reconcile.errors")
      .description("reconcile passes the member cluster's API server failed (it is retried at the next resync)").register(ops.registry());
  private final Namespaces namespaces;
  private final Reconciliation reconciliation;
  /** The last problem logged per application (held, or an object refused), so each is logged once, not every second. */
  private final Map<String, String> reported = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong heartbeats = new AtomicLong();
  /** Bytes of desired state received, complete states and deltas (their serialized size). */
  private final io.micrometer.core.instrument.Counter desiredBytes = io.micrometer.core.instrument.Counter.builder("qonnect.agent.desired.bytes")
      .description("desired state received from the leader, complete states and deltas").baseUnit("bytes").register(ops.registry());
  /** From the lead agents' entry that made a desired state's revision to its arrival here (wall clocks of two machines). */
  private final io.micrometer.core.instrument.Timer desiredLag = io.micrometer.core.instrument.Timer.builder("qonnect.agent.desired.lag")
      .description("from the log entry that changed the desired state to its arrival at this agent").publishPercentileHistogram()
      .register(ops.registry());
  /** Reports the knowledge base did not take (capacity, readiness, round trips): the leader places without them. */
  private final Counter knowledgeBaseFailures = Counter.builder("qonnect.agent.knowledge.base.report.failures")
      .description("reports the knowledge base did not take; the leader does not see this cluster's capacity, readiness or round trips meanwhile")
      .register(ops.registry());
  /** Whether the last report failed: an outage is logged once when it starts and once when it ends, not every report. */
  private final AtomicBoolean knowledgeBaseUnreachable = new AtomicBoolean();
  private static final long READINESS_DEBOUNCE_MS = 100;
  private final HeldLeases leases = new HeldLeases();
  private final AtomicBoolean readinessPending = new AtomicBoolean();
  private final PeerProber prober;
  private final Server probeServer;
  private volatile boolean probeServing;
  private final InetSocketAddress apiServer;

  public ResourceAgentMain(ResourceAgentConfig config) throws Exception {
    this.config = config;
    config.transport().observeCalls(ops.grpcClientMetrics()); // the lead agents', the knowledge base's and the peers' answers, timed
    this.namespaces = config.namespaces();
    this.reconciliation = new Reconciliation(namespaces);
    Config kubeConfig = config.kubeconfig().isEmpty() ? Config.autoConfigure(null)
        : Config.fromKubeconfig(config.context(), Files.readString(Path.of(config.kubeconfig())), config.kubeconfig());
    // named, not found on the class path: the testbed runs the agent from a jar that also holds Vert.x's client
    this.kube = new KubernetesClientBuilder().withConfig(kubeConfig).withHttpClientFactory(new JdkHttpClientFactory()).build();
    this.clusterUid = clusterUid(kube);
    this.executor = new PlanExecutor(kube, appliers, RetryBook.standard(), monotonicMillis);
    this.events = new ObjectEvents(kube, config.cluster(), clock);
    this.nodes = informer(kube.nodes());
    // every pod of the cluster, listed in pages and kept slim: one list of 5,000 whole pods does not fit the agent's 64 MiB heap
    this.pods = informer(kube.pods().inAnyNamespace().withLimit(LIST_PAGE), podUsage);
    this.deployments = informer(kube.apps().deployments().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGER));
    for (String[] kind : MANAGED_KINDS) {
      SharedIndexInformer<GenericKubernetesResource> informer =
          informer(kube.genericKubernetesResources(kind[0], kind[1]).inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGER));
      managed.add(informer);
      managedByKind.put(kind[1], informer);
    }
    List<SharedIndexInformer<?>> all = new ArrayList<>(List.of(nodes, pods, deployments));
    all.addAll(managed);
    awaitSynced(config.cluster(), all);
    this.kbChannel = config.transport().channel(config.knowledgeBase(), Identity.KnowledgeBase.class);
    URI master = URI.create(kube.getMasterUrl().toString());
    this.apiServer = new InetSocketAddress(master.getHost(), master.getPort() > 0 ? master.getPort() : 443);
    this.prober = new PeerProber(config.cluster(), userLatency(config.userLatency()), config.transport(), clock);
    this.probeServer = config.transport().server(new InetSocketAddress(config.probePort()))
        .addService(Access.guard(new PeerProber.Service(config.cluster()), PeerProber.Service.ACCESS, config.transport()))
        .addService(ops.healthService())
        .intercept(ops.grpcMetrics())
        .build();
    this.reportLoop = ops.loop("report", config.reportMs());
    this.leadStream = new LeadStream(config.cluster(), config.leadAgents(), config.transport(), config.heartbeatMs(), this::registration, this::heartbeat, d -> {
      DesiredState held = desired.getAndUpdate(current -> Reconciliation.newer(current, d));
      if (held != null && d.getRevision() < held.getRevision()) {
        LOG.warn("ignored desired state revision {}: older than revision {} held (a leader that has not caught up)", d.getRevision(), held.getRevision());
        return;
      }
      if (d.getRevisionProposedUnixMillis() > 0) {
        desiredLag.record(Math.max(0, System.currentTimeMillis() - d.getRevisionProposedUnixMillis()), TimeUnit.MILLISECONDS);
      }
      loops.execute(this::reconcileSafely);
      readinessChanged(); // a new epoch: report the same pods under it
    }, desiredBytes::increment, this::leaseReceived, monotonicMillis);
    Thread.ofPlatform().name("lead-stream").daemon().start(leadStream);
    deployments.addEventHandler(new ResourceEventHandler<>() {
      @Override public void onAdd(Deployment d) { readinessChanged(); }
      @Override public void onUpdate(Deployment before, Deployment after) { readinessChanged(); }
      @Override public void onDelete(Deployment d, boolean unknownFinalState) { readinessChanged(); }
    });
    managedByKind.get("StatefulSet").addEventHandler(new ResourceEventHandler<>() {
      @Override public void onAdd(GenericKubernetesResource s) { readinessChanged(); }
      @Override public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) { readinessChanged(); }
      @Override public void onDelete(GenericKubernetesResource s, boolean unknownFinalState) { readinessChanged(); }
    });
    loops.scheduleWithFixedDelay(this::reconcileSafely, 1, 1, TimeUnit.SECONDS);         // level-based resync
    loops.scheduleWithFixedDelay(this::reportSafely, 0, config.reportMs(), TimeUnit.MILLISECONDS);
    Gauge.builder("qonnect.agent.desired.revision", () -> Optional.ofNullable(desired.get()).map(DesiredState::getRevision).orElse(0L))
        .description("the revision of the desired state this agent holds").register(ops.registry());
    Gauge.builder("qonnect.agent.heartbeats", heartbeats::get).description("heartbeats sent to the leader").register(ops.registry());
    ops.readiness(() -> desired.get() != null);
    InetSocketAddress metricsAt = ops.serve(config.metricsAddress());
    LOG.info("resource agent for {} up: context {}, lead agents {}, knowledge base {}, metrics http://{}:{}/metrics", config.cluster(), config.context(),
        config.leadAgents(), config.knowledgeBase(), metricsAt.getHostString(), metricsAt.getPort());
  }

  private RegisterClusterRequest registration() {
    ClusterPlacement where = ClusterPlacement.of(nodes.getStore().list());
    return RegisterClusterRequest.newBuilder().setCluster(config.cluster()).setTier(where.tier()).setRegion(where.region())
        .setAgentAddress(config.probeAddress()).setClusterUid(clusterUid).build();
  }

  private static String clusterUid(KubernetesClient kube) {
    try {
      var ns = kube.namespaces().withName("kube-system").get();
      if (ns != null && ns.getMetadata().getUid() != null) return ns.getMetadata().getUid();
      LOG.warn("no kube-system namespace: this member cluster registers without a cluster UID, its name is not bound to it");
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      LOG.warn("cannot read the kube-system namespace ({}): this member cluster registers without a cluster UID, its name is not bound to it",
          e.getCode());
    }
    return "";
  }

  private static UserLatency userLatency(String path) throws IOException {
    if (path.isEmpty()) return UserLatency.NONE;
    try {
      return UserLatency.parse(Files.readAllLines(Path.of(path)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--user-latency " + path + ": " + e.getMessage(), e);
    }
  }

  /** A lease arrived: run the singleton now, and re-render when the lease would run out unless renewed. */
  private void leaseReceived(SingletonLease lease) {
    long now = monotonicMillis.getAsLong();
    boolean wasHeld = leases.held(lease.getApplication(), lease.getComponent(), now);
    long until = leases.received(lease.getApplication(), lease.getComponent(), lease.getDurationMillis(), now, lease.getTerm());
    if (!wasHeld) loops.execute(this::reconcileSafely);
    loops.schedule(this::reconcileSafely, until - now + 1, TimeUnit.MILLISECONDS);
  }

  /**
   * Whether the API server accepts connections, checked directly with a short timeout: the informers'
   * watches take many seconds to notice a server that went away, and the health verdict needs it now.
   */
  private boolean apiServerReachable() {
    try (Socket s = new Socket()) {
      s.connect(apiServer, 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Heartbeat heartbeat() {
    List<Node> all = nodes.getStore().list();
    return Heartbeat.newBuilder().setCluster(config.cluster()).setSequence(heartbeats.incrementAndGet())
        .setApiServerReachable(apiServerReachable()).setNodesTotal(all.size())
        .setNodesReady((int) all.stream().filter(CapacityCollector::ready).count())
        .addAllSingletonsRunning(singletonsRunning())
        .setCertificateNotAfterUnixMillis(config.transport() instanceof io.qonnect.transport.Transport.MutualTls tls ? tls.notAfter().toEpochMilli() : 0)
        .build();
  }

  /**
   * Every component that runs or may start here (a pod, terminating ones included, or a workload asking for
   * replicas), from the informers: what the leader takes as proof that a singleton stopped here (only while the
   * API server is reachable: the heartbeat says so).
   */
  private List<String> singletonsRunning() {
    List<HasMetadata> workloads = new ArrayList<>(deployments.getStore().list());
    workloads.addAll(managedByKind.get("StatefulSet").getStore().list());
    return RunningComponents.of(podUsage.usage(), workloads);
  }

  private void reconcileSafely() {
    reconcileLoop.runOnce(() -> {
      try {
        reconcile();
      } catch (KubernetesClientException | IllegalStateException e) {
        reconcileErrors.increment(); // the API server's weather, not the agent's fault: liveness stays green
        LOG.warn("reconcile failed, retrying at the next resync: {}", e.getMessage());
      }
    });
  }

  private synchronized void reconcile() {
    List<ObservedObject> have = new ArrayList<>();
    managed.forEach(informer -> informer.getStore().list().forEach(r -> observe(r, have)));
    deployments.getStore().list().forEach(d -> observe(d, have));
    DesiredState state = desired.get();
    Reconciliation.Step step = reconciliation.plan(state, have, (a, c) -> leases.held(a, c, monotonicMillis.getAsLong()));
    step.held().forEach((app, why) -> reportOnce(app, "cannot run what the leader sent, keeping what runs: " + why));
    Plan plan = step.plan();
    plan.refused().forEach(r -> reportOnce(r.key(), "refused: " + r.reason()));
    for (PlanExecutor.Outcome outcome : executor.carryOut(plan)) {
      events.record(outcome);
      switch (outcome) {
        case PlanExecutor.Applied a -> {
          reported.remove(a.key());
          LOG.info("applied {}", a.key());
        }
        case PlanExecutor.Deleted d -> LOG.info("deleted {} (no longer owned)", d.key());
        case PlanExecutor.Refused r -> reportOnce(r.key(), "refused: " + r.reason());
        case PlanExecutor.Failed f -> LOG.warn("{}: refused by the API server ({}, {} time(s)), next try in {} s: {}", f.key(), f.code(), f.failures(),
            (f.notBeforeMillis() - monotonicMillis.getAsLong() + 999) / 1000, f.message());
        case PlanExecutor.Deferred ignored -> { }
      }
    }
    if (state != null && !probeServing) startProbeServer();
  }

  private void reportOnce(String subject, String problem) {
    if (!problem.equals(reported.put(subject, problem))) LOG.warn("{}: {}", subject, problem);
  }

  /**
   * Peers take an agent they reach as one that stops its singletons when its lease runs out, so a restarted
   * agent answers probes only after its first reconcile against the leader's desired state, which scaled
   * every singleton it holds no lease for to zero.
   */
  private void startProbeServer() {
    try {
      probeServer.start();
      probeServing = true;
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve probes on port " + config.probePort() + ": " + e.getMessage(), e);
    }
  }

  /** Objects already being deleted (a namespace terminates for seconds) are gone as far as the planner goes. */
  private static void observe(HasMetadata r, List<ObservedObject> have) {
    if (r.getMetadata().getDeletionTimestamp() == null) have.add(ObservedObject.of(r));
  }

  /**
   * Readiness moves the lead agents' decisions (an application Ready, a migration complete), so a change is
   * reported within {@value #READINESS_DEBOUNCE_MS} ms instead of at the next periodic report; bursts coalesce.
   */
  private void readinessChanged() {
    if (readinessPending.compareAndSet(false, true)) {
      loops.schedule(() -> {
        readinessPending.set(false);
        try {
          KnowledgeBaseGrpc.newBlockingStub(kbChannel).withDeadlineAfter(5, TimeUnit.SECONDS).reportReadiness(readiness(clock.millis()));
          knowledgeBaseTookReport();
        } catch (StatusRuntimeException e) {
          knowledgeBaseRefusedReport(e);
        }
      }, READINESS_DEBOUNCE_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void reportSafely() {
    reportLoop.runOnce(this::report);
  }

  private void report() {
    try {
      KnowledgeBaseGrpc.KnowledgeBaseBlockingStub kb = KnowledgeBaseGrpc.newBlockingStub(kbChannel).withDeadlineAfter(5, TimeUnit.SECONDS);
      long now = clock.millis();
      kb.reportCluster(CapacityCollector.collect(config.cluster(), now, nodes.getStore().list(), podUsage.usage()));
      kb.reportReadiness(readiness(now));
      DesiredState state = desired.get();
      if (state != null) kb.reportLatency(prober.probe(state.getPeersList()));
      knowledgeBaseTookReport();
    } catch (StatusRuntimeException e) {
      knowledgeBaseRefusedReport(e);
    }
  }

  private void knowledgeBaseRefusedReport(StatusRuntimeException e) {
    knowledgeBaseFailures.increment();
    if (knowledgeBaseUnreachable.compareAndSet(false, true)) {
      LOG.warn("knowledge base {} did not take a report ({}): the leader sees no new capacity, readiness or round trips of {} until it does",
          config.knowledgeBase(), e.getStatus().getCode(), config.cluster());
    } else {
      LOG.debug("knowledge base still unreachable: {}", e.getStatus());
    }
  }

  private void knowledgeBaseTookReport() {
    if (knowledgeBaseUnreachable.compareAndSet(true, false)) LOG.info("knowledge base {} takes reports again", config.knowledgeBase());
  }

  private ReadinessReport readiness(long now) {
    return ReadinessReports.of(config.cluster(), now, desired.get(), reconciliation, (a, c) -> leases.held(a, c, monotonicMillis.getAsLong()),
        (kind, key) -> switch (kind) {
          case "Deployment" -> deployments.getStore().getByKey(key);
          case "StatefulSet" -> managedByKind.get("StatefulSet").getStore().getByKey(key);
          default -> null;
        });
  }

  /**
   * A started informer that keeps retrying when the API server is slow or down, also before its first list:
   * fabric8's default gives up then, and an agent that exits while its cluster is busy helps nobody.
   */
  private static <T> SharedIndexInformer<T> informer(Informable<T> source) {
    return informer(source, null);
  }

  /** @param store where the informer keeps what it lists and watches (null: fabric8's, whole objects) */
  private static <T> SharedIndexInformer<T> informer(Informable<T> source, io.fabric8.kubernetes.client.informers.cache.ItemStore<T> store) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    if (store != null) informer.itemStore(store);
    informer.exceptionHandler((started, t) -> !ExceptionHandler.isDeserializationException(t)); // fabric8 logs each retry
    informer.start();
    return informer;
  }

  /** Reconciling against caches that have not listed yet would see nothing: wait, however long it takes. */
  private static void awaitSynced(String cluster, List<SharedIndexInformer<?>> informers) throws InterruptedException {
    long waited = 0;
    while (!informers.stream().allMatch(SharedIndexInformer::hasSynced)) {
      Thread.sleep(100);
      if ((waited += 100) % 10_000 == 0) LOG.info("{}: still waiting for the API server's first lists ({} s)", cluster, waited / 1000);
    }
  }

  @Override
  public void close() {
    leadStream.stop();
    loops.shutdownNow();
    appliers.shutdownNow();
    if (probeServing) probeServer.shutdownNow();
    ops.close();
    prober.close();
    kbChannel.shutdownNow();
    kube.close();
  }

  public static void main(String[] args) throws Exception {
    ResourceAgentConfig config;
    try {
      config = ResourceAgentConfig.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("resource-agent: invalid configuration:\n" + e.getMessage());
      System.exit(1);
      return;
    }
    io.qonnect.ops.Logs.configure("resource-agent", config.logFormat(), java.util.Map.of(io.qonnect.ops.Logs.CLUSTER, config.cluster()));
    ResourceAgentMain agent = new ResourceAgentMain(config);
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
    Thread.currentThread().join();
  }
}
