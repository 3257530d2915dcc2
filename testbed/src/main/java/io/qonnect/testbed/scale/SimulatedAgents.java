package io.qonnect.testbed.scale;

import io.grpc.ManagedChannel;
import io.qonnect.agent.upstream.LeadStream;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.Resources;
import io.qonnect.proto.v1.Tier;
import io.qonnect.proto.v1.WorkloadReadiness;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Many member clusters' agents in one process, for scale runs, with no Kubernetes behind them. Each speaks the real
 * agent protocol under a certificate of its own: it registers and holds the Connect stream with heartbeats through the
 * agent's own {@link LeadStream}, and reports capacity, readiness and round trips to a few peers to the knowledge base.
 * It keeps its desired state in memory; a component counts Ready {@code readyDelayMs} after it first appeared there.
 * Clusters are {@code sim-0001}…: a fifth cloud, three tenths fog, half edge, in regions of 50.
 */
public final class SimulatedAgents implements AutoCloseable {
  /**
   * @param heartbeatMs the agents' heartbeat (the real agent's default is 500 ms; the leader calls one silent after 2 s)
   * @param reportMs how often each reports capacity, readiness and round trips (the real agent's default is 2 s)
   */
  /** @param deltas the agents take desired-state deltas (false: complete states only, as agents before 0.8) */
  /** @param nodeScale each cluster has this many times its tier's nodes (cloud 4, fog 3, edge 2) */
  public record Config(int clusters, long readyDelayMs, long heartbeatMs, long reportMs, boolean deltas, int nodeScale) {
    public Config {
      if (clusters < 1 || clusters > 10_000) throw new IllegalArgumentException("clusters: 1-10000, got " + clusters);
      if (nodeScale < 1 || nodeScale > 100) throw new IllegalArgumentException("nodeScale: 1-100, got " + nodeScale);
    }

    public Config(int clusters, long readyDelayMs, long heartbeatMs, long reportMs, boolean deltas) {
      this(clusters, readyDelayMs, heartbeatMs, reportMs, deltas, 1);
    }
  }

  /** Peers each agent reports round trips to (its neighbours by number): a sparse matrix, as the real one should become. */
  private final Config config;
  private final List<Agent> agents = new ArrayList<>();
  private final ScheduledExecutorService reports = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("sim-agents-report-", 0).factory());
  private final LongSupplier monotonicMillis = () -> System.nanoTime() / 1_000_000;
  private final AtomicLong desiredBytes = new AtomicLong();
  private final AtomicLong largestDesiredBytes = new AtomicLong();
  private final AtomicLong reportFailures = new AtomicLong();

  public SimulatedAgents(Config config) {
    this.config = config;
  }

  public static String name(int i) {
    return String.format("sim-%04d", i);
  }

  static Tier tier(int i) {
    int tenth = (i - 1) % 10;
    return tenth < 2 ? Tier.TIER_CLOUD : tenth < 5 ? Tier.TIER_FOG : Tier.TIER_EDGE;
  }

  static String region(int i) {
    return "region-" + ((i - 1) / 50 + 1);
  }

  /**
   * Starts every agent: each one's stream on a virtual thread of its own, its reports on a shared scheduler (spread
   * over the report period). {@code transport} gives an agent's certificate by identity.
   */
  public void start(List<String> leadAgents, String knowledgeBase, Function<Identity, Transport> transport) {
    for (int i = 1; i <= config.clusters(); i++) {
      Agent agent = new Agent(i, leadAgents, knowledgeBase, transport.apply(new Identity.Agent(name(i))));
      agents.add(agent);
      Thread.ofVirtual().name("sim-agent-" + agent.cluster).start(agent.stream);
      long offset = (long) ((double) config.reportMs() * i / config.clusters());
      reports.scheduleWithFixedDelay(agent::report, offset, config.reportMs(), TimeUnit.MILLISECONDS);
    }
  }

  /** The member clusters' names, started or not. */
  public List<String> clusterNames() {
    return java.util.stream.IntStream.rangeClosed(1, config.clusters()).mapToObj(SimulatedAgents::name).toList();
  }

  /** Stops a cluster's agent as if its cluster died: no heartbeat, no report, its stream gone. */
  public void fail(String cluster) {
    agents.stream().filter(a -> a.cluster.equals(cluster)).forEach(Agent::stop);
  }

  /** Components placed in each cluster by the desired states the agents hold now ("application/component"). */
  public Map<String, List<String>> componentsByCluster() {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (Agent a : agents) {
      List<String> here = new ArrayList<>();
      DesiredState state = a.desired;
      if (state != null && !a.stopped) {
        for (DesiredApplication app : state.getApplicationsList()) {
          for (DesiredComponent c : app.getComponentsList()) here.add(app.getApplication() + "/" + c.getName());
        }
      }
      out.put(a.cluster, here);
    }
    return out;
  }

  /** When each live agent last received a desired state (monotonic ms), by cluster. */
  public Map<String, Long> lastDesiredMillis() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Agent a : agents) if (!a.stopped) out.put(a.cluster, a.lastDesiredMillis);
    return out;
  }

  /** Desired-state bytes received by all agents so far (serialized size of every complete state and delta). */
  public long desiredBytes() {
    return desiredBytes.get();
  }

  /** The largest desired-state message (complete or delta) any agent received, in bytes. */
  public long largestDesiredBytes() {
    return largestDesiredBytes.get();
  }

  /** Reports to the knowledge base that failed (refused, too large, unreachable). */
  public long reportFailures() {
    return reportFailures.get();
  }

  @Override
  public void close() {
    reports.shutdownNow();
    agents.forEach(Agent::stop);
  }

  private final class Agent {
    final int number;
    final String cluster;
    final Tier tier;
    final LeadStream stream;
    final ManagedChannel kb;
    final Transport transport;
    /** When each "application/component@epoch" first appeared in a desired state here: Ready a delay later. */
    final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    volatile DesiredState desired;
    volatile long lastDesiredMillis = -1;
    volatile boolean stopped;
    final AtomicLong heartbeats = new AtomicLong();

    Agent(int number, List<String> leadAgents, String knowledgeBase, Transport transport) {
      this.number = number;
      this.cluster = name(number);
      this.tier = tier(number);
      this.transport = transport;
      this.kb = transport.channel(knowledgeBase, Identity.KnowledgeBase.class);
      this.stream = new LeadStream(cluster, leadAgents, transport, config.heartbeatMs(), this::registration, this::heartbeat, this::desired,
          this::received, lease -> {}, monotonicMillis, config.deltas());
    }

    RegisterClusterRequest registration() {
      return RegisterClusterRequest.newBuilder().setCluster(cluster).setTier(tier).setRegion(region(number)).setAgentAddress("127.0.0.1:9")
          .setClusterUid("uid-" + cluster).build();
    }

    int nodes() {
      return config.nodeScale() * switch (tier) {
        case TIER_CLOUD -> 4;
        case TIER_FOG -> 3;
        default -> 2;
      };
    }

    Heartbeat heartbeat() {
      return Heartbeat.newBuilder().setCluster(cluster).setSequence(heartbeats.incrementAndGet()).setApiServerReachable(true)
          .setNodesReady(nodes()).setNodesTotal(nodes())
          .setCertificateNotAfterUnixMillis(transport instanceof Transport.MutualTls tls ? tls.notAfter().toEpochMilli() : 0).build();
    }

    /** A desired-state message of {@code size} bytes arrived (a complete state or a delta). */
    void received(long size) {
      desiredBytes.addAndGet(size);
      largestDesiredBytes.accumulateAndGet(size, Math::max);
    }

    void desired(DesiredState state) {
      long now = monotonicMillis.getAsLong();
      for (DesiredApplication app : state.getApplicationsList()) {
        for (DesiredComponent c : app.getComponentsList()) firstSeen.putIfAbsent(key(app, c), now);
      }
      desired = state;
      lastDesiredMillis = now;
      // report the new components' readiness once they are Ready, not only at the next periodic report
      reports.schedule(this::reportReadiness, config.readyDelayMs() + 50, TimeUnit.MILLISECONDS);
    }

    static String key(DesiredApplication app, DesiredComponent c) {
      return app.getApplication() + "/" + c.getName() + "@" + app.getPlacementEpoch();
    }

    void report() {
      if (stopped) return;
      try {
        var stub = KnowledgeBaseGrpc.newBlockingStub(kb).withDeadlineAfter(10, TimeUnit.SECONDS);
        long now = System.currentTimeMillis();
        stub.reportCluster(capacity(now));
        stub.reportLatency(latency(now));
        stub.reportReadiness(readiness(now));
      } catch (RuntimeException e) {
        reportFailures.incrementAndGet();
      }
    }

    void reportReadiness() {
      if (stopped) return;
      try {
        KnowledgeBaseGrpc.newBlockingStub(kb).withDeadlineAfter(10, TimeUnit.SECONDS).reportReadiness(readiness(System.currentTimeMillis()));
      } catch (RuntimeException e) {
        reportFailures.incrementAndGet();
      }
    }

    ClusterReport capacity(long now) {
      long cpu = switch (tier) {
        case TIER_CLOUD -> 16_000;
        case TIER_FOG -> 8_000;
        default -> 4_000;
      };
      long memory = cpu / 1000 * 4L * 1024 * 1024 * 1024;
      double idle = tier == Tier.TIER_CLOUD ? 100 : tier == Tier.TIER_FOG ? 50 : 10;
      ClusterReport.Builder b = ClusterReport.newBuilder().setCluster(cluster).setObservedUnixMillis(now).setTier(tier).setRegion(region(number))
          .setPricePerCoreHour(tier == Tier.TIER_CLOUD ? 0.03 : tier == Tier.TIER_FOG ? 0.04 : 0.05)
          .setPricePerGibHour(0.004).setBandwidthMbps(tier == Tier.TIER_EDGE ? 100 : 1000);
      for (int n = 1; n <= nodes(); n++) {
        b.addNodes(NodeObservation.newBuilder().setName(cluster + "-node-" + n).setReady(true)
            .setAllocatable(Resources.newBuilder().setCpuMillis(cpu).setMemoryBytes(memory))
            .setRequested(Resources.newBuilder()).setIdleWatts(idle).setMaxWatts(idle * 3));
      }
      return b.build();
    }

    /**
     * Round trips to the peers the leader asks it to probe (its desired state's peer list, as a real agent does),
     * modelled: a few ms within a region, more across regions and tiers.
     */
    LatencyReport latency(long now) {
      LatencyReport.Builder b = LatencyReport.newBuilder().setFromCluster(cluster).setObservedUnixMillis(now);
      DesiredState state = desired;
      if (state == null) return b.build();
      for (var peer : state.getPeersList()) {
        int other = Integer.parseInt(peer.getCluster().substring("sim-".length()));
        double rtt = 2 + 4 * Math.abs(tier(other).getNumber() - tier.getNumber()) + (region(other).equals(region(number)) ? 0 : 30);
        b.addSamples(LatencySample.newBuilder().setTo(peer.getCluster()).setRttMs(rtt));
      }
      return b.build();
    }

    ReadinessReport readiness(long now) {
      ReadinessReport.Builder b = ReadinessReport.newBuilder().setCluster(cluster).setObservedUnixMillis(now);
      DesiredState state = desired;
      if (state == null) return b.build();
      long nowMonotonic = monotonicMillis.getAsLong();
      for (DesiredApplication app : state.getApplicationsList()) {
        for (DesiredComponent c : app.getComponentsList()) {
          Long seen = firstSeen.get(key(app, c));
          int ready = seen != null && nowMonotonic - seen >= config.readyDelayMs() ? c.getReplicas() : 0;
          b.addComponents(ComponentReadiness.newBuilder().setApplication(app.getApplication()).setComponent(c.getName())
              .setPlacementEpoch(app.getPlacementEpoch()).setDesiredReplicas(c.getReplicas()).setReadyReplicas(ready)
              .addWorkloads(WorkloadReadiness.newBuilder().setKind("Deployment").setName(c.getName())
                  .setDesiredReplicas(c.getReplicas()).setReadyReplicas(ready)));
        }
      }
      return b.build();
    }

    void stop() {
      stopped = true;
      stream.stop();
      kb.shutdownNow();
    }
  }
}
