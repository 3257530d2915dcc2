package io.qonnect.testbed.drill;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.proto.v1.EventKind;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.proto.v1.ApplicationDescription;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.testbed.linearizability.HistoryRecorder;
import io.qonnect.proto.v1.ApplyRequest;
import io.grpc.ManagedChannel;
import io.qonnect.transport.Identity;
import io.qonnect.proto.v1.ClusterHealth;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.SnapshotRequest;
import java.util.concurrent.TimeUnit;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.ClusterStatus;
import io.qonnect.proto.v1.ComponentStatus;
import io.qonnect.proto.v1.ControlPlaneEvent;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.proto.v1.LeaderRequest;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.proto.v1.WatchRequest;
import io.qonnect.testbed.cluster.Testbed;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.testbed.federation.LocalFederation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs drills against a running federation on the testbed: injects the failure, follows the lead agents'
 * events and application status to time detection, decision and recovery, heals, and checks the invariants.
 * The clock is the wall clock on purpose: this measures the real system.
 */
public final class DrillRunner implements AutoCloseable {
  private static final java.util.Set<EventKind> CLUSTER_EVENTS = java.util.EnumSet.of(EventKind.EVENT_KIND_CLUSTER_REGISTERED,
      EventKind.EVENT_KIND_CLUSTER_UPDATED, EventKind.EVENT_KIND_CLUSTER_HEALTHY, EventKind.EVENT_KIND_CLUSTER_SUSPECT, EventKind.EVENT_KIND_CLUSTER_FAILED);
  private static final long POLL_MS = 100;
  /** How often every running member cluster's singleton pods are listed (their lives: {@link SingletonHistory}). */
  private static final long POD_LISTING_MS = 250;
  /**
   * A price change that has committed nothing this long past the settle time (which exceeds the migration hold)
   * moved nothing: reconsidering observations, a placement round and a commit take well under it.
   */
  private static final long DECIDE_MARGIN_MS = 10_000;

  private final Testbed testbed;
  private SingletonHistory singletons = new SingletonHistory();
  private final Set<String> singletonKeys = new TreeSet<>();
  private final LocalFederation federation;
  private final LeadAgentsClient client;
  private final long budgetMillis;
  private final long settleMillis;
  private final Consumer<String> progress;
  private final QosSpecParser parser = new QosSpecParser();
  private final Set<String> acknowledged = new TreeSet<>();
  private final Map<String, Double> pricesBefore = new HashMap<>();
  /** Latency drills: the drilled cluster's measured round trips before the delay was added. */
  private final Map<String, Double> rttBefore = new HashMap<>();
  private final Map<String, KubernetesClient> kubes = new HashMap<>();

  /**
   * @param budgetMillis how long recovery, and settling after healing, may take
   * @param settleMillis how long no placement may have changed before a drill starts: a healed drill often
   *     moves applications back after the lead agents' migration hold time, and that must not count as the
   *     next drill's reaction (set it above the hold time)
   */
  public DrillRunner(Testbed testbed, LocalFederation federation, LeadAgentsClient client, long budgetMillis, long settleMillis,
      Consumer<String> progress) {
    this.settleMillis = settleMillis;
    this.testbed = testbed;
    this.federation = federation;
    this.client = client;
    this.budgetMillis = budgetMillis;
    this.progress = progress;
  }

  /** One client per member cluster for the runner's life: drills look at the clusters twice a second. */
  public synchronized KubernetesClient kube(String cluster) {
    return kubes.computeIfAbsent(cluster, testbed::client);
  }

  @Override
  public synchronized void close() {
    kubes.values().forEach(KubernetesClient::close);
    kubes.clear();
  }

  /**
   * The applications a drill judges: all but the linearizability clients' ({@link HistoryRecorder#PREFIX}), which
   * are created, changed and deleted many times a second on purpose and judged by their history instead.
   */
  private List<ApplicationStatus> applications() {
    return client.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList().stream()
        .filter(a -> !a.getName().startsWith(HistoryRecorder.PREFIX)).toList();
  }

  /** Applications the drills must never lose: those present now. */
  public void acknowledgeExisting() {
    applications()
        .forEach(a -> acknowledged.add(a.getName()));
  }

  public DrillReport run(Drill drill) throws InterruptedException {
    List<String> violations = new ArrayList<>();
    awaitSteady();
    long start = System.currentTimeMillis();
    List<DrillReport.Step> timeline = new ArrayList<>();
    java.util.function.BiConsumer<Long, String> at = (millis, line) -> {
      double s = (millis - start) / 1000.0;
      timeline.add(new DrillReport.Step(s, line));
      progress.accept(String.format("  %7.2f s  %s", s, line));
    };
    Consumer<String> step = line -> at.accept(System.currentTimeMillis(), line);
    long fromRevision = lastRevision() + 1;
    String oldLeader = client.call(s -> s.leader(LeaderRequest.getDefaultInstance())).getLeaderId();
    Map<String, Double> intervals = new LinkedHashMap<>();
    intervals.put("detected", null);
    intervals.put("committed", null);
    intervals.put("recovered", null);
    // a lead agent that is killed or frozen: recovery is the next write the group accepts
    boolean leaderDrill = drill instanceof Drill.LeaderKill || drill instanceof Drill.IsolateLeadAgent || drill instanceof Drill.Pause p && p.ofLeadAgent();
    String probeSpec = leaderDrill ? anySpec() : "";
    Map<String, String> restore = inject(drill, oldLeader);
    boolean paused = drill instanceof Drill.Pause;
    at.accept(start, "injected " + drill.kind() + (drill instanceof Drill.Pause p ? " " + restore.get("process") + " for " + p.seconds() + " s"
        : drill instanceof Drill.IsolateLeadAgent ? " " + restore.get("process") : drill.cluster().isEmpty() ? "" : " " + drill.cluster()));

    long deadline = start + budgetMillis;
    long lastSample = 0;
    singletons = new SingletonHistory();
    Set<String> migrating = new TreeSet<>(); // placements committed during the drill whose make-before-break is not over
    boolean nothingToMove = false;
    while (System.currentTimeMillis() < deadline && intervals.get("recovered") == null) {
      double now = (System.currentTimeMillis() - start) / 1000.0;
      if (paused && drill instanceof Drill.Pause p && now >= p.seconds()) {
        heal(drill, restore);
        paused = false;
        step.accept("resumed " + restore.get("process") + " (SIGCONT)");
      }
      if (worldChange(drill) && intervals.get("committed") == null && intervals.get("detected") != null
          && now - intervals.get("detected") > (settleMillis + DECIDE_MARGIN_MS) / 1000.0) {
        nothingToMove = true;
        step.accept("nothing moved: the change left every placement within the hysteresis margin");
        break;
      }
      for (ControlPlaneEvent e : leaderDrill ? List.<ControlPlaneEvent>of() : eventsSince(fromRevision)) {
        fromRevision = e.getRevision() + 1;
        at.accept(e.getTimeUnixMillis(), e.getKind() + " " + e.getSubject() + ": " + e.getMessage());
        double when = Math.max(0, (e.getTimeUnixMillis() - start) / 1000.0); // the leader's stamp: same machine, same clock
        boolean aboutTarget = e.getSubject().equals(drill.cluster());
        if (aboutTarget) intervals.putIfAbsent("detected", when);
        if (e.getType() == EventKind.EVENT_KIND_PLACEMENT_COMMITTED) migrating.add(e.getSubject());
        if (e.getType() == EventKind.EVENT_KIND_MIGRATION_COMPLETED) migrating.remove(e.getSubject());
        if ((e.getType() == EventKind.EVENT_KIND_PLACEMENT_COMMITTED || e.getType() == EventKind.EVENT_KIND_UNSCHEDULABLE) && intervals.get("detected") != null) {
          intervals.putIfAbsent("committed", when);
        }
      }
      if (intervals.get("detected") == null && observed(drill)) {
        intervals.put("detected", (System.currentTimeMillis() - start) / 1000.0);
        step.accept("the knowledge base has the change (the cluster's agent reported it)");
      }
      if (leaderDrill) {
        if (intervals.get("detected") == null && leaderOtherThan(restore.getOrDefault("process", oldLeader))) {
          intervals.put("detected", now);
          step.accept("a new leader was elected");
        }
        if (writeAccepted(probeSpec)) {
          intervals.put("committed", (System.currentTimeMillis() - start) / 1000.0);
          intervals.put("recovered", intervals.get("committed"));
          if (intervals.get("detected") == null && leaderOtherThan(restore.getOrDefault("process", oldLeader))) {
            intervals.put("detected", intervals.get("committed")); // at the latest: the probe write itself waited for the election
            step.accept("a new leader was elected (seen no later than the write)");
          }
          step.accept("a write was accepted");
        }
      } else if (!paused && recovered(drill, intervals.get("detected") != null || drill instanceof Drill.Pause)
          && (!worldChange(drill) || (intervals.get("committed") != null && migrating.isEmpty()))) {
        intervals.put("recovered", now);
        step.accept("every component Ready at its placed count");
      }
      if (System.currentTimeMillis() - lastSample >= POD_LISTING_MS) {
        lastSample = System.currentTimeMillis();
        listSingletonPods();
      }
      Thread.sleep(POLL_MS);
    }
    String outcome = intervals.get("recovered") != null ? "recovered" : nothingToMove ? "nothing to move" : "not recovered";
    if (outcome.equals("not recovered")) step.accept("not recovered within the budget of " + budgetMillis / 1000 + " s");
    if (paused || !(drill instanceof Drill.Pause)) heal(drill, restore);
    step.accept("healed");
    violations.addAll(awaitInvariants(drill));
    listSingletonPods(); // a cluster stopped by the drill is back: what still runs there ran through the outage
    violations.addAll(singletons.overlaps());
    step.accept(violations.isEmpty() ? "invariants hold" : violations.size() + " violation(s)");
    return new DrillReport(drill.kind(), args(drill), start, intervals, outcome, timeline, violations.stream().distinct().toList());
  }

  private static List<String> args(Drill d) {
    return switch (d) {
      case Drill.NodeNotReady n -> List.of(n.cluster(), n.node());
      case Drill.PriceChange p -> List.of(p.cluster(), Double.toString(p.factor()));
      case Drill.Latency l -> List.of(l.cluster(), Integer.toString(l.rttMs()));
      case Drill.LeaderKill l -> List.of();
      case Drill.Pause p -> List.of(p.process(), Integer.toString(p.seconds()));
      case Drill.IsolateLeadAgent i -> List.of(i.process());
      default -> List.of(d.cluster());
    };
  }

  /**
   * Drills start from a steady federation: every lead agent up and following a leader (a lead agent still
   * restarting from the last drill plus a killed leader would be two failures of three), every member
   * cluster Healthy, every application Ready, and no placement change for the settle time.
   */
  private void awaitSteady() throws InterruptedException {
    long deadline = System.currentTimeMillis() + budgetMillis + settleMillis;
    while (true) {
      try {
        long now = System.currentTimeMillis();
        boolean healthy = clusters().values().stream().allMatch(c -> c.getHealth() == ClusterHealth.CLUSTER_HEALTH_HEALTHY);
        boolean ready = applications().stream()
            .allMatch(a -> a.getPhase() == ApplicationStatus.Phase.READY);
        boolean quiet = eventsSince(0).stream().noneMatch(e -> now - e.getTimeUnixMillis() < settleMillis
            && (e.getType() == EventKind.EVENT_KIND_PLACEMENT_COMMITTED || e.getType() == EventKind.EVENT_KIND_MIGRATION_COMPLETED || CLUSTER_EVENTS.contains(e.getType())));
        if (healthy && ready && quiet && everyLeadAgentFollows()) return;
      } catch (RuntimeException e) {
        // no leader yet
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the federation is not steady (a lead agent not following a leader, a cluster not Healthy or an"
            + " application not Ready) after " + (budgetMillis + settleMillis) / 1000 + " s; see ./qonnect federation status, get clusters and get apps");
      }
      Thread.sleep(250);
    }
  }

  // ---- inject and heal ----

  private Map<String, String> inject(Drill drill, String leader) {
    Map<String, String> restore = new HashMap<>();
    switch (drill) {
      case Drill.ClusterDown d -> testbed.stop(known(d.cluster()));
      case Drill.AgentKill d -> federation.kill(LocalFederation.agentName(known(d.cluster())));
      case Drill.LeaderKill d -> federation.kill(leader);
      case Drill.IsolateCluster d -> federation.isolateCluster(known(d.cluster()), true);
      case Drill.IsolateLeadAgent d -> {
        String process = switch (d.process()) {
          case "leader" -> leader;
          case "follower" -> federation.members().stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT) && !m.name().equals(leader))
              .map(LocalFederation.Member::name).findFirst().orElseThrow(() -> new IllegalArgumentException("isolate-lead follower: a single lead agent has none"));
          default -> d.process();
        };
        restore.put("process", process);
        federation.isolateLeadAgent(process, true);
      }
      case Drill.Pause d -> {
        String process = d.process().equals("leader") ? leader : d.process();
        federation.member(process); // an unknown name fails here, before anything is frozen
        restore.put("process", process);
        federation.freeze(process, true);
      }
      case Drill.Partition d -> federation.partition(known(d.cluster()), d.direction(), true);
      case Drill.Latency d -> {
        rttBefore.clear();
        rttBefore.putAll(federation.measuredRtt().getOrDefault(known(d.cluster()), Map.of()));
        federation.addLatency(d.cluster(), d.rttMs());
      }
      case Drill.NodeNotReady d -> testbed.setNodeReady(known(d.cluster()), d.node(), false);
      case Drill.PriceChange d -> {
        KubernetesClient kube = kube(known(d.cluster()));
        List<Node> nodes = kube.nodes().list().getItems();
        pricesBefore.put(d.cluster(), nodes.stream().mapToDouble(n -> Double.parseDouble(n.getMetadata().getLabels().getOrDefault(PRICE, "0"))).average().orElse(0));
        for (Node n : nodes) {
          String price = n.getMetadata().getLabels().getOrDefault(PRICE, "0");
          restore.put(n.getMetadata().getName(), price);
          kube.nodes().withName(n.getMetadata().getName()).edit(x -> {
            x.getMetadata().getLabels().put(PRICE, String.format("%.5f", Double.parseDouble(price) * d.factor()));
            return x;
          });
        }
      }
    }
    return restore;
  }

  private static final String PRICE = "qonnect.io/price-per-core-hour";

  private void heal(Drill drill, Map<String, String> restore) {
    switch (drill) {
      case Drill.ClusterDown d -> testbed.start(d.cluster());
      case Drill.AgentKill d -> federation.start(federation.member(LocalFederation.agentName(d.cluster())), List.of());
      case Drill.LeaderKill d -> federation.members().stream()
          .filter(m -> m.role().equals(LocalFederation.LEAD_AGENT) && federation.pid(m).isEmpty())
          .forEach(m -> federation.start(m, List.of()));
      case Drill.Partition d -> federation.partition(d.cluster(), d.direction(), false);
      case Drill.Latency d -> federation.addLatency(d.cluster(), 0);
      case Drill.Pause d -> federation.freeze(restore.get("process"), false);
      case Drill.IsolateLeadAgent d -> federation.isolateLeadAgent(restore.get("process"), false);
      case Drill.IsolateCluster d -> federation.isolateCluster(d.cluster(), false);
      case Drill.NodeNotReady d -> testbed.setNodeReady(d.cluster(), d.node(), true);
      case Drill.PriceChange d -> {
        KubernetesClient kube = kube(d.cluster());
        restore.forEach((node, price) -> kube.nodes().withName(node).edit(x -> {
          x.getMetadata().getLabels().put(PRICE, price);
          return x;
        }));
      }
    }
  }

  private String known(String cluster) {
    if (testbed.clusters().stream().noneMatch(c -> c.name().equals(cluster))) {
      throw new IllegalArgumentException("no member cluster named '" + cluster + "' on the testbed");
    }
    return cluster;
  }

  // ---- observing ----

  private long lastRevision() {
    long last = 0;
    for (ControlPlaneEvent e : eventsSince(0)) last = e.getRevision();
    return last;
  }

  private List<ControlPlaneEvent> eventsSince(long revision) {
    List<ControlPlaneEvent> out = new ArrayList<>();
    try {
      Iterator<ControlPlaneEvent> it = client.stream(s -> s.withDeadlineAfter(10, TimeUnit.SECONDS) // a lead agent cut off must not stall the drill
          .watch(WatchRequest.newBuilder().setFromRevision(revision).setFollow(false).build()));
      it.forEachRemaining(e -> {
        if (!e.getSubject().startsWith(HistoryRecorder.PREFIX)) out.add(e); // the linearizability clients' churn is judged apart
      });
    } catch (RuntimeException e) {
      // no leader right now: the next poll catches up
    }
    return out;
  }

  /** A change of the world rather than a failure: it may rightly move nothing (within the hysteresis margin or the budget). */
  private static boolean worldChange(Drill drill) {
    return drill instanceof Drill.PriceChange || drill instanceof Drill.Latency;
  }

  /**
   * Price and node drills are detected when the cluster's agent has reported them to the knowledge base; a latency
   * drill when its agent's measured round trip to some peer grew by at least nine tenths of what was added.
   */
  private boolean observed(Drill drill) {
    if (drill instanceof Drill.Latency l) {
      Map<String, Double> now = federation.measuredRtt().getOrDefault(l.cluster(), Map.of());
      return now.entrySet().stream().anyMatch(e -> rttBefore.containsKey(e.getKey()) && e.getValue() - rttBefore.get(e.getKey()) >= 0.9 * l.rttMs());
    }
    if (!(drill instanceof Drill.PriceChange || drill instanceof Drill.NodeNotReady)) return false;
    ManagedChannel channel = federation.clientTransport().channel(federation.knowledgeBaseAddress().orElseThrow(), Identity.KnowledgeBase.class);
    try {
      for (ClusterReport r : LeadAgentsClient.knowledgeBase(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
          .snapshot(SnapshotRequest.newBuilder().addClusters(drill.cluster()).build()).getClustersList()) {
        switch (drill) {
          case Drill.NodeNotReady n -> {
            if (r.getNodesList().stream().anyMatch(x -> x.getName().equals(n.node()) && !x.getReady())) return true;
          }
          case Drill.PriceChange p -> {
            if (Math.abs(r.getPricePerCoreHour() - pricesBefore.getOrDefault(p.cluster(), -1.0) * p.factor()) < 1e-4) return true;
          }
          default -> { }
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    } finally {
      channel.shutdownNow();
    }
  }

  private boolean everyLeadAgentFollows() {
    for (String address : client.addresses()) {
      try {
        if (client.at(address).withDeadlineAfter(1, TimeUnit.SECONDS).leader(LeaderRequest.getDefaultInstance()).getLeaderId().isEmpty()) return false;
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /** Whether any lead agent answering within a second names a leader other than {@code old} (which may be frozen, not dead). */
  private boolean leaderOtherThan(String old) {
    for (String address : client.addresses()) {
      try {
        String now = client.at(address).withDeadlineAfter(1, TimeUnit.SECONDS).leader(LeaderRequest.getDefaultInstance()).getLeaderId();
        if (!now.isEmpty() && !now.equals(old)) return true;
      } catch (RuntimeException e) {
        // this one does not answer: ask the next
      }
    }
    return false;
  }

  private String anySpec() {
    String app = acknowledged.iterator().next();
    return client.call(s -> s.describeApplication(GetApplicationRequest.newBuilder().setName(app).build())).getSpecYaml();
  }

  /**
   * Re-applies an acknowledged spec unchanged (a write through the log like any other), asking each lead
   * agent in turn: what a client that knows all addresses sees after a leader dies. The deadline is long
   * enough (2 s) that a write accepted slowly on a loaded machine counts when it is accepted, not at a later
   * attempt.
   */
  private boolean writeAccepted(String spec) {
    for (String address : client.addresses()) {
      try {
        client.at(address).withDeadlineAfter(2, TimeUnit.SECONDS).apply(ApplyRequest.newBuilder().setSpecYaml(spec).build());
        return true;
      } catch (RuntimeException e) {
        // dead, a follower without a leader yet, or too slow: the next one
      }
    }
    return false;
  }

  /**
   * Every application Ready at its placed counts, none placed on the drill's cluster while that cluster is
   * not Healthy, and (for drills that take a cluster's agent away) the leader has judged it.
   */
  private boolean recovered(Drill drill, boolean detected) {
    try {
      Map<String, ClusterStatus> clusters = clusters();
      boolean needsVerdict = drill instanceof Drill.ClusterDown || drill instanceof Drill.AgentKill || drill instanceof Drill.Partition
          || drill instanceof Drill.IsolateCluster;
      ClusterStatus target = clusters.get(drill.cluster());
      if (needsVerdict && (target == null || target.getHealth() != ClusterHealth.CLUSTER_HEALTH_FAILED)) return false;
      if (!detected) return false;
      for (ApplicationStatus app : applications()) {
        if (app.getPhase() != ApplicationStatus.Phase.READY) return false;
        for (ComponentStatus c : app.getComponentsList()) {
          for (ClusterReplicas r : c.getDesiredList()) {
            ClusterStatus where = clusters.get(r.getCluster());
            if (where == null || (needsVerdict && r.getCluster().equals(drill.cluster()))) return false;
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Map<String, ClusterStatus> clusters() {
    Map<String, ClusterStatus> out = new HashMap<>();
    client.call(s -> s.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList().forEach(c -> out.put(c.getName(), c));
    return out;
  }

  // ---- invariants ----

  /** Waits up to the budget for the federation to settle after healing; returns what still breaks an invariant. */
  private List<String> awaitInvariants(Drill drill) throws InterruptedException {
    long deadline = System.currentTimeMillis() + budgetMillis;
    List<String> violations;
    do {
      Thread.sleep(500);
      listSingletonPods();
      violations = invariants(drill);
    } while (!violations.isEmpty() && System.currentTimeMillis() < deadline);
    return violations;
  }

  List<String> invariants(Drill drill) {
    List<String> out = new ArrayList<>();
    Map<String, ClusterStatus> clusters;
    List<ApplicationStatus> apps;
    try {
      clusters = clusters();
      apps = applications();
    } catch (RuntimeException e) {
      return List.of("lead agents unreachable: " + e.getMessage());
    }
    Set<String> present = new TreeSet<>();
    apps.forEach(a -> present.add(a.getName()));
    for (String a : acknowledged) if (!present.contains(a)) out.add("acknowledged application " + a + " is gone");
    Map<String, long[]> demand = new HashMap<>();
    Map<String, Set<String>> placedHere = new HashMap<>();
    for (ApplicationStatus app : apps) {
      ApplicationDescription d = client.call(s -> s.describeApplication(GetApplicationRequest.newBuilder().setName(app.getName()).build()));
      if (app.getPhase() == ApplicationStatus.Phase.UNSCHEDULABLE) {
        if (!d.hasDiagnosisDetail() || d.getDiagnosisDetail().getSummary().isBlank()) out.add(app.getName() + ": Unschedulable without a diagnosis");
        continue;
      }
      if (app.getPhase() != ApplicationStatus.Phase.READY) out.add(app.getName() + ": " + app.getPhase() + ", not Ready");
      QosSpec spec = parser.parse(d.getSpecYaml()) instanceof Parsed.Valid<QosSpec> v ? v.value() : null;
      for (ComponentStatus c : app.getComponentsList()) {
        for (ClusterReplicas r : c.getDesiredList()) {
          ClusterStatus where = clusters.get(r.getCluster());
          if (where == null || where.getHealth() != ClusterHealth.CLUSTER_HEALTH_HEALTHY) {
            out.add(app.getName() + "/" + c.getComponent() + " placed on " + r.getCluster() + ", which is not Healthy");
          }
          placedHere.computeIfAbsent(r.getCluster(), k -> new TreeSet<>()).add(app.getName() + "/" + c.getComponent());
          if (spec != null) {
            ComponentSpec cs = spec.component(c.getComponent()).orElse(null);
            if (cs != null) {
              long[] sum = demand.computeIfAbsent(r.getCluster(), k -> new long[2]);
              sum[0] += cs.resources().cpuMillis() * r.getReplicas();
              sum[1] += cs.resources().memoryBytes() * r.getReplicas();
            }
          }
        }
      }
    }
    demand.forEach((cluster, need) -> {
      ClusterStatus c = clusters.get(cluster);
      if (c != null && (need[0] > c.getAllocatable().getCpuMillis() || need[1] > c.getAllocatable().getMemoryBytes())) {
        out.add(cluster + ": over-committed, placements request " + need[0] + "m CPU, " + (need[1] >> 20) + " MiB; allocatable "
            + c.getAllocatable().getCpuMillis() + "m, " + (c.getAllocatable().getMemoryBytes() >> 20) + " MiB");
      }
    });
    for (String cluster : clusters.keySet()) {
      if (!testbed.running(cluster)) continue;
      for (Deployment d : deployments(cluster)) {
        String key = d.getMetadata().getLabels().getOrDefault(Labels.APPLICATION, "?") + "/" + d.getMetadata().getLabels().getOrDefault(Labels.COMPONENT, d.getMetadata().getName());
        if (!placedHere.getOrDefault(cluster, Set.of()).contains(key)) out.add(cluster + ": orphaned Deployment " + key);
      }
    }
    return out;
  }

  private List<Deployment> deployments(String cluster) {
    try {
      return kube(cluster).apps().deployments().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGER).list().getItems();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /**
   * Lists the singleton pods (Pending, running, terminating) of every member cluster whose control plane runs,
   * into {@link #singletons}. Which components are singletons: any Deployment marked so, in any cluster, ever.
   */
  private void listSingletonPods() {
    for (var c : testbed.clusters()) {
      if (!testbed.running(c.name())) continue;
      try {
        KubernetesClient kube = kube(c.name());
        for (Deployment d : kube.apps().deployments().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGER).list().getItems()) {
          if (d.getMetadata().getAnnotations() != null && "true".equals(d.getMetadata().getAnnotations().get(Labels.SINGLETON))) {
            singletonKeys.add(d.getMetadata().getLabels().get(Labels.APPLICATION) + "/" + d.getMetadata().getLabels().get(Labels.COMPONENT));
          }
        }
        Map<String, String> pods = new HashMap<>();
        List<Pod> listed = kube.pods().inAnyNamespace().withLabel(Labels.APPLICATION).list().getItems();
        long at = System.currentTimeMillis(); // the listing's own time: the pods it has existed then
        for (Pod p : listed) {
          String key = p.getMetadata().getLabels().get(Labels.APPLICATION) + "/" + p.getMetadata().getLabels().get(Labels.COMPONENT);
          if (singletonKeys.contains(key)) pods.put(p.getMetadata().getUid(), key);
        }
        singletons.listed(c.name(), pods, at);
      } catch (RuntimeException e) {
        // its API server does not answer: not listed, so nothing it runs is taken as stopped
      }
    }
  }
}
