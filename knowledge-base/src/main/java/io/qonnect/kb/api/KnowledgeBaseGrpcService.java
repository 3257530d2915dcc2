package io.qonnect.kb.api;

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
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The knowledge base's gRPC API: agents report, the leader reads a snapshot. Malformed reports are refused
 * with INVALID_ARGUMENT naming every bad field, and nothing of them is stored.
 */
public final class KnowledgeBaseGrpcService extends KnowledgeBaseGrpc.KnowledgeBaseImplBase {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final int MAX_HISTORY = 10_000;

  private final KnowledgeStore store;
  private final Clock clock;

  public KnowledgeBaseGrpcService(KnowledgeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void reportCluster(ClusterReport r, StreamObserver<ReportAck> out) {
    List<String> problems = new ArrayList<>();
    name(problems, "cluster", r.getCluster());
    nonNegative(problems, "price_per_core_hour", r.getPricePerCoreHour());
    nonNegative(problems, "price_per_gib_hour", r.getPricePerGibHour());
    nonNegative(problems, "bandwidth_mbps", r.getBandwidthMbps());
    nonNegative(problems, "storage_bytes", r.getStorageBytes());
    for (int i = 0; i < r.getNodesCount(); i++) {
      NodeObservation n = r.getNodes(i);
      String at = "nodes[" + i + "].";
      if (n.getName().isEmpty()) problems.add(at + "name: must not be empty");
      nonNegative(problems, at + "allocatable.cpu_millis", n.getAllocatable().getCpuMillis());
      nonNegative(problems, at + "allocatable.memory_bytes", n.getAllocatable().getMemoryBytes());
      nonNegative(problems, at + "requested.cpu_millis", n.getRequested().getCpuMillis());
      nonNegative(problems, at + "requested.memory_bytes", n.getRequested().getMemoryBytes());
      nonNegative(problems, at + "idle_watts", n.getIdleWatts());
      if (n.getMaxWatts() < n.getIdleWatts()) problems.add(at + "max_watts: must be at least idle_watts");
    }
    answer(problems, out, () -> store.putClusterReport(r));
  }

  @Override
  public void reportLatency(LatencyReport r, StreamObserver<ReportAck> out) {
    List<String> problems = new ArrayList<>();
    name(problems, "from_cluster", r.getFromCluster());
    for (int i = 0; i < r.getSamplesCount(); i++) {
      String to = r.getSamples(i).getTo();
      if (to.isEmpty()) problems.add("samples[" + i + "].to: must not be empty");
      nonNegative(problems, "samples[" + i + "].rtt_ms", r.getSamples(i).getRttMs());
    }
    answer(problems, out, () -> store.putLatencyReport(r));
  }

  @Override
  public void reportReadiness(ReadinessReport r, StreamObserver<ReportAck> out) {
    List<String> problems = new ArrayList<>();
    name(problems, "cluster", r.getCluster());
    for (int i = 0; i < r.getComponentsCount(); i++) {
      name(problems, "components[" + i + "].application", r.getComponents(i).getApplication());
      name(problems, "components[" + i + "].component", r.getComponents(i).getComponent());
    }
    answer(problems, out, () -> store.putReadinessReport(r));
  }

  @Override
  public void recordEvent(ObservedEvent e, StreamObserver<ReportAck> out) {
    List<String> problems = new ArrayList<>();
    if (e.getKind().isEmpty()) problems.add("kind: must not be empty");
    if (e.getSubject().isEmpty() || e.getSubject().length() > 253 || e.getSubject().indexOf('\0') >= 0) {
      problems.add("subject: must be 1-253 characters without NUL");
    }
    ObservedEvent stamped = e.getTimeUnixMillis() > 0 ? e : e.toBuilder().setTimeUnixMillis(clock.millis()).build();
    answer(problems, out, () -> store.appendEvent(stamped));
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<ObservationSnapshot> out) {
    Set<String> wanted = Set.copyOf(request.getClustersList());
    Predicate<String> keep = c -> wanted.isEmpty() || wanted.contains(c);
    out.onNext(ObservationSnapshot.newBuilder()
        .setTakenUnixMillis(clock.millis())
        .addAllClusters(store.clusterReports().stream().filter(r -> keep.test(r.getCluster())).toList())
        .addAllLatency(store.latencyReports().stream().filter(r -> keep.test(r.getFromCluster())).toList())
        .addAllReadiness(store.readinessReports().stream().filter(r -> keep.test(r.getCluster())).toList())
        .build());
    out.onCompleted();
  }

  @Override
  public void history(HistoryRequest r, StreamObserver<HistoryResponse> out) {
    long to = r.getToUnixMillis() == 0 ? Long.MAX_VALUE : r.getToUnixMillis();
    int limit = r.getLimit() <= 0 ? 100 : Math.min(r.getLimit(), MAX_HISTORY);
    out.onNext(HistoryResponse.newBuilder().addAllEvents(store.history(r.getSubject(), r.getFromUnixMillis(), to, limit)).build());
    out.onCompleted();
  }

  private static void answer(List<String> problems, StreamObserver<ReportAck> out, Runnable store) {
    if (!problems.isEmpty()) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(String.join("; ", problems)).asRuntimeException());
      return;
    }
    store.run();
    out.onNext(ReportAck.getDefaultInstance());
    out.onCompleted();
  }

  private static void name(List<String> problems, String field, String value) {
    if (!NAME.matcher(value).matches()) problems.add(field + ": '" + value + "' is not a DNS-1123 label");
  }

  private static void nonNegative(List<String> problems, String field, double value) {
    if (!(value >= 0)) problems.add(field + ": must be >= 0, got " + value);
  }
}
