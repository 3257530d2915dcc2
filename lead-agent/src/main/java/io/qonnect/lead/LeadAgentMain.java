package io.qonnect.lead;

import io.grpc.Server;
import io.qonnect.transport.Access;
import io.qonnect.lead.gate.FeatureGateController;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.api.AgentGatewayGrpcService;
import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.api.ControlPlaneGrpcService;
import io.qonnect.lead.api.GroupView;
import io.qonnect.lead.config.LeadAgentConfig;
import io.qonnect.lead.config.LeadAgentConfig.Peer;
import io.qonnect.lead.health.AgentLiveness;
import io.qonnect.lead.health.HealthController;
import io.qonnect.lead.kb.KnowledgeBaseClient;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.lead.placing.MeteredProposer;
import io.qonnect.lead.placing.PlacementController;
import io.qonnect.lead.placing.Proposer;
import io.qonnect.lead.raft.ControlPlaneClient;
import io.qonnect.lead.raft.ControlPlaneStateMachine;
import io.qonnect.lead.raft.RaftPropertiesFactory;
import io.qonnect.lead.raft.StorageStart;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.ops.Logs;
import io.qonnect.ops.Ops;
import io.qonnect.lead.console.Console;
import io.qonnect.lead.console.ConsoleTokens;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One lead agent: a Ratis peer, the client API and agent gateway, and (while leading) the controllers. Wiring only. */
public final class LeadAgentMain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeadAgentMain.class);
  /** Every qonnect federation uses this one group id: one group per set of lead agents. */
  public static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("qonnect-lead-agents".getBytes(StandardCharsets.UTF_8)));

  private static final long HEALTH_INTERVAL_MS = 250;
  /** An agent this long without a heartbeat counts as silent in {@code qonnect_agents_silent}. */
  private static final long SILENT_AGENT_MILLIS = 10_000;

  private final RaftServer server;
  private final ControlPlaneStateMachine stateMachine = new ControlPlaneStateMachine();
  private final ControlPlaneClient client;
  private final Server api;
  private final Server gateway;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "lead-agent-controllers");
    t.setDaemon(true);
    return t;
  });
  private final KnowledgeBaseClient knowledgeBase;
  private final FeatureGateController featureGate;
  private final Ops ops = new Ops("lead-agent", MONOTONIC_MILLIS);
  private static final long FEATURE_GATE_INTERVAL_MS = 2000;
  /** Every timer of the lead agent (hold times, health, leases, heartbeats' age) runs on this; wall time only stamps. */
  private static final java.util.function.LongSupplier MONOTONIC_MILLIS = () -> System.nanoTime() / 1_000_000;

  public LeadAgentMain(LeadAgentConfig config) throws IOException {
    config.transport().observeCalls(ops.grpcClientMetrics()); // the knowledge base's and the peers' answers, timed
    RaftProperties properties = RaftPropertiesFactory.create(config);
    if (!config.raftProperties().isEmpty()) LOG.info("Ratis settings from --raft-properties, over qonnect's: {}", config.raftProperties());
    List<RaftPeer> peers = config.peers().stream()
        .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).build()).toList();
    RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers);
    StorageStart.Decision start = StorageStart.decide(config.id(), StorageStart.inspect(config.dataDir()), config.rejoinEmpty());
    if (start instanceof StorageStart.Refuse refuse) throw new StorageStart.RefusedException(refuse.reason());
    server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(config.id()))
        .setGroup(group)
        .setStateMachine(stateMachine)
        .setProperties(properties)
        .setParameters(RaftPropertiesFactory.parameters(config.transport()))
        .setOption(start instanceof StorageStart.Format ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
        .build();
    try {
      server.start();
    } catch (java.util.concurrent.CompletionException | IllegalArgumentException e) {
      // Ratis checks its settings as its server starts, e.g. a --raft-properties value at odds with another setting
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (!(cause instanceof IllegalArgumentException)) throw e;
      throw new IOException("Ratis refused its settings: " + cause.getMessage()
          + (config.raftProperties().isEmpty() ? "" : " (--raft-properties gave " + config.raftProperties() + ")")); // the message says it all
    }
    StorageStart.recordFormatted(config.dataDir(), config.id());
    client = new ControlPlaneClient(group, RaftPeerId.valueOf(config.id()), properties, RaftPropertiesFactory.parameters(config.transport()), 100,
        Clock.systemUTC(), stateMachine);

    GroupView view = new GroupView() {
      @Override public String selfId() { return config.id(); }
      @Override public List<Peer> peers() { return config.peers(); }
      @Override public Optional<String> leaderId() { return Optional.ofNullable(division().getInfo().getLeaderId()).map(RaftPeerId::toString); }
      @Override public long term() { return division().getInfo().getCurrentTerm(); }
      @Override public boolean isLeaderReady() { return division().getInfo().isLeaderReady(); }
    };
    knowledgeBase = config.knowledgeBase().isEmpty() ? null : new KnowledgeBaseClient(config.knowledgeBase(), config.transport(), Clock.systemUTC(),
        () -> System.nanoTime() / 1_000_000);
    ObservationSource observations = knowledgeBase != null ? knowledgeBase : new ObservationSource() {
      @Override public ObservationSnapshot latest() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public ObservationSnapshot cached() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public boolean degraded() { return false; }
    };
    BooleanSupplier leaderReady = () -> division().getInfo().isLeaderReady();
    // the term is read before readiness: a leader ready now leads that term or a later one, so its decisions carry
    // a term no newer than the one they were computed in (a later term's log then rejects them: safe)
    LongSupplier readyTerm = () -> {
      long term = division().getInfo().getCurrentTerm();
      return leaderReady.getAsBoolean() ? term : 0;
    };
    AgentSessions sessions = new AgentSessions();
    Proposer decisions = new MeteredProposer(client, ops.registry(), System::nanoTime);
    PlacementController placement = new PlacementController(stateMachine, readyTerm, observations, decisions,
        new PlacementEngine(), config.migration(), knowledgeBase != null ? knowledgeBase::recordPlacement : decision -> {}, Clock.systemUTC(), MONOTONIC_MILLIS,
        cluster -> sessions.last(cluster).map(AgentSessions.Last::receivedMillis).orElse(Long.MIN_VALUE));
    ops.loop("placement", config.placementIntervalMs()).every(scheduler, config.placementIntervalMs(), placement::reconcileOnce);

    featureGate = new FeatureGateController(stateMachine, leaderReady, view, client, config.transport());
    ops.loop("feature-gate", FEATURE_GATE_INTERVAL_MS).every(scheduler, FEATURE_GATE_INTERVAL_MS, featureGate::reconcileOnce);

    AgentLiveness liveness = new AgentLiveness(sessions, observations, MONOTONIC_MILLIS);
    HealthController health = new HealthController(stateMachine, readyTerm, sessions, liveness, decisions, config.health(), MONOTONIC_MILLIS);
    ops.loop("health", HEALTH_INTERVAL_MS).every(scheduler, HEALTH_INTERVAL_MS, health::reconcileOnce);
    AgentGatewayGrpcService gatewayService = new AgentGatewayGrpcService(client, view, stateMachine, sessions, liveness, scheduler, Clock.systemUTC(),
        MONOTONIC_MILLIS, config.leaseMillis());
    // users and agents on ports of their own, so network policy can keep users away from the gateway and agents from the API
    ConsoleTokens consoleTokens = new ConsoleTokens(System::currentTimeMillis);
    ControlPlaneGrpcService apiService = new ControlPlaneGrpcService(stateMachine, client, view, observations, sessions, gatewayService::singletonWaiting,
        scheduler, consoleTokens);
    io.grpc.Server apiServer = config.transport().server(new InetSocketAddress(config.self().host(), config.self().apiPort()))
        .addService(Access.guard(apiService, ControlPlaneGrpcService.ACCESS, config.transport()))
        .addService(ops.healthService())
        .intercept(ops.grpcMetrics())
        .build();
    io.grpc.Server gatewayServer = config.transport().server(new InetSocketAddress(config.self().host(), config.self().gatewayPort()))
        .addService(Access.guard(gatewayService, AgentGatewayGrpcService.ACCESS, config.transport()))
        .addService(ops.healthService())
        .intercept(ops.grpcMetrics())
        .build();
    try {
      apiServer.start();
      gatewayServer.start();
    } catch (IOException e) { // a port taken: the Raft peer stops before the process exits, so it no longer votes or leads
      apiServer.shutdownNow();
      server.close();
      throw e;
    }
    api = apiServer;
    gateway = gatewayServer;
    metrics(view, observations, sessions, gatewayService);
    // the write service serves on the leader only: a health-checking client or load balancer finds the leader by it
    ops.loop("leader-status", HEALTH_INTERVAL_MS).every(scheduler, HEALTH_INTERVAL_MS, () -> {
      boolean leads = view.isLeaderReady();
      ops.serving(ControlPlaneGrpc.SERVICE_NAME, leads);
      ops.serving(AgentGatewayGrpc.SERVICE_NAME, leads);
    });
    ops.readiness(() -> view.leaderId().isPresent());
    ops.page(Console.PATH, new Console(apiService, view, () -> stateMachine.read(s -> s.lastAppliedIndex()), consoleTokens));
    var metricsAt = ops.serve(config.metricsAddress());
    consoleTokens.servedAt("http://" + metricsAt.getHostString() + ":" + metricsAt.getPort() + Console.PATH + "/");
    LOG.info("lead agent {} up: raft {}, api {}, gateway {}, metrics http://{}:{}/metrics, console http://{}:{}{}/, peers {}, knowledge base {}, data {} ({}), {}",
        config.id(), config.self().raftAddress(), config.self().apiAddress(), config.self().gatewayAddress(), metricsAt.getHostString(), metricsAt.getPort(),
        metricsAt.getHostString(), metricsAt.getPort(), Console.PATH, config.peers().stream().map(Peer::id).toList(),
        config.knowledgeBase().isEmpty() ? "(none)" : config.knowledgeBase(), config.dataDir(),
        start instanceof StorageStart.Format ? "formatted" : "recovered", config.transport().describe());
  }

  /** The lead agent's own series, beside the loops' and the gRPC servers'. */
  private void metrics(GroupView view, ObservationSource observations, AgentSessions sessions, AgentGatewayGrpcService gateway) {
    MeterRegistry registry = ops.registry();
    Gauge.builder("qonnect.raft.term", () -> view.term()).description("the Raft term this lead agent is in").register(registry);
    Gauge.builder("qonnect.raft.commit.index", () -> division().getRaftLog().getLastCommittedIndex())
        .description("the highest log index this lead agent knows committed").register(registry);
    Gauge.builder("qonnect.raft.applied.index", () -> stateMachine.read(s -> s.lastAppliedIndex()))
        .description("the highest log index applied to this lead agent's state (commit index minus this: its apply lag)").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("qonnect.raft.leader.changes", stateMachine, ControlPlaneStateMachine::leaderChanges)
        .description("leader changes this lead agent has seen (elections that changed the leader)").register(registry);
    Gauge.builder("qonnect.raft.leader", () -> view.isLeaderReady() ? 1 : 0).description("1 while this lead agent leads (and has applied its term's first entry)")
        .register(registry);
    Gauge.builder("qonnect.applications", () -> stateMachine.read(s -> s.applications().size())).description("applications submitted").register(registry);
    Gauge.builder("qonnect.applications.unschedulable", () -> stateMachine.read(s -> s.applications().stream()
        .filter(ApplicationRecord::unschedulable).count())).description("applications whose last decision found no placement")
        .register(registry);
    Gauge.builder("qonnect.observations.age", () -> (System.currentTimeMillis() - observations.cached().getTakenUnixMillis()) / 1000.0)
        .baseUnit("seconds").description("how old the knowledge-base snapshot placement last used is")
        .register(registry);
    for (io.qonnect.lead.state.ClusterHealth h : io.qonnect.lead.state.ClusterHealth.values()) {
      Gauge.builder("qonnect.clusters", () -> stateMachine.read(s -> s.clusters().stream().filter(c -> c.health() == h).count()))
          .tag("health", h.name().toLowerCase(java.util.Locale.ROOT)).description("registered member clusters by health").register(registry);
    }
    // what only the leader knows (0 on the others): the agents' streams, and singletons waiting for their lease
    Gauge.builder("qonnect.agents.connected", sessions::openStreams).description("member clusters whose agent holds a stream to this lead agent")
        .register(registry);
    Gauge.builder("qonnect.agents.silent", () -> !view.isLeaderReady() ? 0 : stateMachine.read(s -> s.clusters().stream()
            .filter(c -> sessions.last(c.id().value()).map(l -> MONOTONIC_MILLIS.getAsLong() - l.receivedMillis() > SILENT_AGENT_MILLIS).orElse(true))
            .count()))
        .description("on the leader: member clusters whose agent sent no heartbeat for " + SILENT_AGENT_MILLIS / 1000 + " s").register(registry);
    Gauge.builder("qonnect.singletons.waiting", () -> stateMachine.read(s -> s.applications().stream()
            .flatMap(a -> a.spec().getComponentsList().stream().filter(c -> c.getSingleton())
                .filter(c -> gateway.singletonWaiting(a.name(), c.getName()).isPresent()))
            .count()))
        .description("on the leader: singletons held back until the lease of their previous cluster runs out").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("qonnect.singleton.leases.sent", gateway, AgentGatewayGrpcService::leasesSent)
        .description("on the leader: singleton leases granted or renewed and sent to the agents").register(registry);
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(GROUP_ID);
    } catch (IOException e) {
      throw new IllegalStateException("the Raft group is not running on this server", e);
    }
  }

  public ControlPlaneStateMachine stateMachine() {
    return stateMachine;
  }

  @Override
  public void close() throws IOException {
    scheduler.shutdownNow();
    ops.close();
    featureGate.close();
    api.shutdownNow();
    gateway.shutdownNow();
    client.close();
    server.close();
    if (knowledgeBase != null) knowledgeBase.close();
  }

  public static void main(String[] args) throws Exception {
    LeadAgentConfig config;
    try {
      config = LeadAgentConfig.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("lead-agent: invalid configuration:\n" + e.getMessage());
      System.exit(1);
      return;
    }
    Logs.configure("lead-agent", config.logFormat(), java.util.Map.of("leadAgent", config.id()));
    io.qonnect.lead.raft.LeaderRedirects.install();
    LeadAgentMain agent;
    try {
      agent = new LeadAgentMain(config);
    } catch (StorageStart.RefusedException e) {
      System.err.println("lead-agent: refusing to start:\n" + e.getMessage());
      System.exit(1);
      return;
    } catch (IOException e) { // a port taken: exit, rather than keep a Raft peer running without its API
      System.err.println("lead-agent: cannot start: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        agent.close();
      } catch (IOException e) {
        LOG.warn("shutdown: {}", e.toString());
      }
    }));
    agent.api.awaitTermination();
  }
}
