package io.qonnect.kb.api;

import io.qonnect.names.DnsLabel;
import io.qonnect.transport.Access;
import io.qonnect.transport.Identity;
import java.util.Map;
import java.util.Optional;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qonnect.kb.store.KnowledgeStore;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.HistoryRequest;
import io.qonnect.proto.v1.HistoryResponse;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ObservedEvent;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.ReportAck;
import io.qonnect.proto.v1.SnapshotRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The knowledge base's gRPC API: agents report, the leader reads a snapshot. Malformed reports are refused
 * with INVALID_ARGUMENT naming every bad field (the first {@value #MAX_PROBLEMS}), and nothing of them is stored.
 *
 * <p>Every list is bounded ({@value #MAX_ITEMS} entries) and every report is stamped with the time the knowledge
 * base received it, never the sender's: a report stamped far in the future would otherwise stay the newest
 * forever (the store keeps the newest report per cluster). One stamped more than {@value #MAX_SKEW_MILLIS} ms
 * ahead of this clock is refused: its sender's clock is wrong, or it is not an agent. The stamps never go back, even when
 * this clock does (a step back would otherwise leave every report stored before it the newest until the clock caught
 * up): a stamp is this clock's time or just after the last stamp given, whichever is later, also across a restart.
 */
public final class KnowledgeBaseGrpcService extends KnowledgeBaseGrpc.KnowledgeBaseImplBase {
  private static final int MAX_HISTORY = 10_000;
  /** Entries of any list in a report: nodes, latency samples, components. */
  static final int MAX_ITEMS = 10_000;
  static final long MAX_SKEW_MILLIS = 30_000;
  static final int MAX_PROBLEMS = 20;
  private static final int MAX_TEXT = 253;

  private final KnowledgeStore store;
  private final Clock clock;
  private final AtomicLong lastStamp;

  /**
   * Who may call what: an agent reports for its own member cluster only (checked per report); an admin may seed
   * clusters without agents (an inventory); lead agents read and record placement events; users read.
   */
  public static final Map<String, Access.Rule> ACCESS = Map.of(
      "ReportCluster", Access.Rule.users(Identity.Role.ADMIN).and(Identity.Agent.class),
      "ReportLatency", Access.Rule.users(Identity.Role.ADMIN).and(Identity.Agent.class),
      "ReportReadiness", Access.Rule.services(Identity.Agent.class),
      "RecordEvent", Access.Rule.services(Identity.LeadAgent.class),
      "Snapshot", Access.Rule.users(Identity.Role.VIEWER).and(Identity.LeadAgent.class),
      "SnapshotPages", Access.Rule.users(Identity.Role.VIEWER).and(Identity.LeadAgent.class),
      "History", Access.Rule.users(Identity.Role.VIEWER).and(Identity.LeadAgent.class));

  public KnowledgeBaseGrpcService(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    long stored = 0;
    for (ClusterReport r : store.clusterReports()) stored = Math.max(stored, r.getObservedUnixMillis());
    for (LatencyReport r : store.latencyReports()) stored = Math.max(stored, r.getObservedUnixMillis());
    for (ReadinessReport r : store.readinessReports()) stored = Math.max(stored, r.getObservedUnixMillis());
    this.lastStamp = new AtomicLong(stored);
  }

  /** When a report arrived, by this clock, and always later than every stamp given before. */
  private long stamp() {
    long now = clock.millis();
    return lastStamp.updateAndGet(last -> Math.max(now, last + 1));
  }

  @Override
  public void reportCluster(ClusterReport r, StreamObserver<ReportAck> out) {
    if (!speaksFor("cluster", r.getCluster(), out)) return;
    List<String> problems = new ArrayList<>();
    name(problems, "cluster", r.getCluster());
    fromThePast(problems, "observed_unix_millis", r.getObservedUnixMillis());
    if (bounded(problems, "nodes", r.getNodesCount())) {
      answer(problems, out, () -> { });
      return;
    }
    nonNegative(problems, "price_per_core_hour", r.getPricePerCoreHour());
    nonNegative(problems, "price_per_gib_hour", r.getPricePerGibHour());
    nonNegative(problems, "bandwidth_mbps", r.getBandwidthMbps());
    nonNegative(problems, "storage_bytes", r.getStorageBytes());
    for (int i = 0; i < r.getNodesCount(); i++) {
      NodeObservation n = r.getNodes(i);
      String at = "nodes[" + i + "].";
      if (n.getName().isEmpty() || n.getName().length() > MAX_TEXT) problems.add(at + "name: must be 1-" + MAX_TEXT + " characters");
      nonNegative(problems, at + "allocatable.cpu_millis", n.getAllocatable().getCpuMillis());
      nonNegative(problems, at + "allocatable.memory_bytes", n.getAllocatable().getMemoryBytes());
      nonNegative(problems, at + "requested.cpu_millis", n.getRequested().getCpuMillis());
      nonNegative(problems, at + "requested.memory_bytes", n.getRequested().getMemoryBytes());
      nonNegative(problems, at + "idle_watts", n.getIdleWatts());
      if (n.getMaxWatts() < n.getIdleWatts()) problems.add(at + "max_watts: must be at least idle_watts");
    }
    answer(problems, out, () -> store.putClusterReport(r.toBuilder().setObservedUnixMillis(stamp()).build()));
  }

  @Override
  public void reportLatency(LatencyReport r, StreamObserver<ReportAck> out) {
    if (!speaksFor("from_cluster", r.getFromCluster(), out)) return;
    List<String> problems = new ArrayList<>();
    name(problems, "from_cluster", r.getFromCluster());
    fromThePast(problems, "observed_unix_millis", r.getObservedUnixMillis());
    bounded(problems, "samples", r.getSamplesCount());
    for (int i = 0; i < Math.min(r.getSamplesCount(), MAX_ITEMS); i++) {
      String to = r.getSamples(i).getTo();
      if (to.isEmpty() || to.length() > MAX_TEXT) problems.add("samples[" + i + "].to: must be 1-" + MAX_TEXT + " characters");
      nonNegative(problems, "samples[" + i + "].rtt_ms", r.getSamples(i).getRttMs());
    }
    answer(problems, out, () -> store.putLatencyReport(r.toBuilder().setObservedUnixMillis(stamp()).build()));
  }

  @Override
  public void reportReadiness(ReadinessReport r, StreamObserver<ReportAck> out) {
    if (!speaksFor("cluster", r.getCluster(), out)) return;
    List<String> problems = new ArrayList<>();
    name(problems, "cluster", r.getCluster());
    fromThePast(problems, "observed_unix_millis", r.getObservedUnixMillis());
    bounded(problems, "components", r.getComponentsCount());
    for (int i = 0; i < Math.min(r.getComponentsCount(), MAX_ITEMS); i++) {
      if (r.getComponents(i).getWorkloadsCount() > 100) problems.add("components[" + i + "].workloads: at most 100");
      name(problems, "components[" + i + "].application", r.getComponents(i).getApplication());
      name(problems, "components[" + i + "].component", r.getComponents(i).getComponent());
    }
    answer(problems, out, () -> store.putReadinessReport(r.toBuilder().setObservedUnixMillis(stamp()).build()));
  }

  @Override
  public void recordEvent(ObservedEvent e, StreamObserver<ReportAck> out) {
    List<String> problems = new ArrayList<>();
    if (e.getKind().isEmpty() || e.getKind().length() > 63) problems.add("kind: must be 1-63 characters");
    if (e.getMessage().length() > 4096) problems.add("message: at most 4096 characters");
    fromThePast(problems, "time_unix_millis", e.getTimeUnixMillis());
    if (e.getSubject().isEmpty() || e.getSubject().length() > 253 || e.getSubject().indexOf('\0') >= 0) {
      problems.add("subject: must be 1-253 characters without NUL");
    }
    ObservedEvent stamped = e.getTimeUnixMillis() > 0 ? e : e.toBuilder().setTimeUnixMillis(clock.millis()).build();
    answer(problems, out, () -> store.appendEvent(stamped));
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<ObservationSnapshot> out) {
    if (!wellFormed(request, out)) return;
    out.onNext(Pages.whole(clock.millis(), selected(request)));
    out.onCompleted();
  }

  /** The snapshot in pages of about {@value Pages#PAGE_BYTES} bytes; each page is sent when the stream is ready for it. */
  @Override
  public void snapshotPages(SnapshotRequest request, StreamObserver<ObservationSnapshot> out) {
    if (!wellFormed(request, out)) return;
    Pages.split(clock.millis(), selected(request), Pages.PAGE_BYTES).forEach(out::onNext);
    out.onCompleted();
  }

  private static boolean wellFormed(SnapshotRequest request, StreamObserver<ObservationSnapshot> out) {
    List<String> problems = new ArrayList<>();
    if (!bounded(problems, "clusters", request.getClustersCount())) {
      for (int i = 0; i < request.getClustersCount() && problems.size() <= MAX_PROBLEMS; i++) name(problems, "clusters[" + i + "]", request.getClusters(i));
    }
    if (problems.isEmpty()) return true;
    out.onError(Status.INVALID_ARGUMENT.withDescription(capped(problems)).asRuntimeException());
    return false;
  }

  private Pages.Reports selected(SnapshotRequest request) {
    Set<String> wanted = Set.copyOf(request.getClustersList());
    Predicate<String> keep = c -> wanted.isEmpty() || wanted.contains(c);
    return new Pages.Reports(
        store.clusterReports().stream().filter(r -> keep.test(r.getCluster())).toList(),
        store.latencyReports().stream().filter(r -> keep.test(r.getFromCluster())).toList(),
        store.readinessReports().stream().filter(r -> keep.test(r.getCluster())).toList());
  }

  @Override
  public void history(HistoryRequest r, StreamObserver<HistoryResponse> out) {
    if (r.getSubject().length() > MAX_TEXT || r.getSubject().indexOf('\0') >= 0) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("subject: at most " + MAX_TEXT + " characters without NUL").asRuntimeException());
      return;
    }
    long to = r.getToUnixMillis() == 0 ? Long.MAX_VALUE : r.getToUnixMillis();
    int limit = r.getLimit() <= 0 ? 100 : Math.min(r.getLimit(), MAX_HISTORY);
    out.onNext(HistoryResponse.newBuilder().addAllEvents(store.history(r.getSubject(), r.getFromUnixMillis(), to, limit)).build());
    out.onCompleted();
  }

  /** An agent reports for the member cluster its certificate names, and no other; refused with PERMISSION_DENIED. */
  private static boolean speaksFor(String field, String cluster, StreamObserver<ReportAck> out) {
    Optional<Identity.Agent> other = Access.agentSpeakingForAnother(cluster);
    other.ifPresent(agent -> out.onError(Status.PERMISSION_DENIED.withDescription(field + ": " + agent.describe() + " may not report for '" + cluster + "'")
        .asRuntimeException()));
    return other.isEmpty();
  }

  private static void answer(List<String> problems, StreamObserver<ReportAck> out, Runnable store) {
    if (!problems.isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(capped(problems)).asRuntimeException());
      return;
    }
    store.run();
    out.onNext(ReportAck.getDefaultInstance());
    out.onCompleted();
  }

  private static String capped(List<String> problems) {
    String shown = String.join("; ", problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
    return problems.size() > MAX_PROBLEMS ? shown + "; … and " + (problems.size() - MAX_PROBLEMS) + " more problems" : shown;
  }

  /** True (and a problem) when a list is longer than {@link #MAX_ITEMS}. */
  private static boolean bounded(List<String> problems, String field, int count) {
    if (count <= MAX_ITEMS) return false;
    problems.add(field + ": at most " + MAX_ITEMS + " entries, got " + count);
    return true;
  }

  private void fromThePast(List<String> problems, String field, long stampedMillis) {
    long ahead = stampedMillis - clock.millis();
    if (ahead > MAX_SKEW_MILLIS) problems.add(field + ": " + ahead + " ms ahead of the knowledge base's clock (at most " + MAX_SKEW_MILLIS + ")");
  }

  private static void name(List<String> problems, String field, String value) {
    if (!DnsLabel.isValid(value)) problems.add(DnsLabel.problem(field, value));
  }

  private static void nonNegative(List<String> problems, String field, double value) {
    if (!(value >= 0)) problems.add(field + ": must be >= 0, got " + value);
  }
}
