package io.qonnect.kb.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qonnect.kb.store.InMemoryKnowledgeStore;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ReportAck;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Reports as a hostile or broken agent might send them: refused whole, with the field named; nothing stored. */
class KnowledgeBaseGrpcServiceTest {
  private static final long NOW = 1_800_000_000_000L;
  private final InMemoryKnowledgeStore store = new InMemoryKnowledgeStore();
  private final KnowledgeBaseGrpcService service = new KnowledgeBaseGrpcService(store, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  /** What the call answered: null when acknowledged, else the status. */
  private static Status call(java.util.function.Consumer<StreamObserver<ReportAck>> method) {
    return status(method);
  }

  /** What a call of any method answered: null when it answered, else the status. */
  private static <T> Status status(java.util.function.Consumer<StreamObserver<T>> method) {
    Status[] result = {null};
    method.accept(new StreamObserver<T>() {
      @Override public void onNext(T answer) { }
      @Override public void onError(Throwable t) { result[0] = Status.fromThrowable(t); }
      @Override public void onCompleted() { }
    });
    return result[0];
  }

  private static ClusterReport report(long observed) {
    return ClusterReport.newBuilder().setCluster("eu-1").setObservedUnixMillis(observed)
        .addNodes(NodeObservation.newBuilder().setName("n1").setReady(true)).build();
  }

  @Test
  void aReportFromTheFutureIsRefusedAndCannotPinTheStore() {
    Status status = call(out -> service.reportCluster(report(NOW + 3_600_000), out));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("observed_unix_millis");
    assertThat(store.clusterReports()).isEmpty();
    assertThat(call(out -> service.reportCluster(report(NOW - 1000), out))).isNull();
    assertThat(store.clusterReports()).singleElement().satisfies(r -> assertThat(r.getObservedUnixMillis()).as("stamped on receipt").isEqualTo(NOW));
  }

  @Test
  void listsAreBoundedAndTheProblemsCapped() {
    LatencyReport.Builder huge = LatencyReport.newBuilder().setFromCluster("eu-1").setObservedUnixMillis(NOW);
    for (int i = 0; i <= KnowledgeBaseGrpcService.MAX_ITEMS; i++) huge.addSamples(LatencySample.newBuilder().setTo("").setRttMs(-1));
    Status status = call(out -> service.reportLatency(huge.build(), out));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("samples: at most " + KnowledgeBaseGrpcService.MAX_ITEMS).contains("more problems");
    assertThat(status.getDescription().length()).isLessThan(8_000);
    assertThat(store.latencyReports()).isEmpty();
  }

  @Test
  void aSnapshotRequestNamingABadClusterIsRefusedNamingTheField() {
    Status status = KnowledgeBaseGrpcServiceTest.<io.qonnect.proto.v1.ObservationSnapshot>status(out -> service.snapshotPages(io.qonnect.proto.v1.SnapshotRequest.newBuilder().addClusters("eu-1").addClusters("Not_A_Name").build(), out));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("clusters[1]");
  }

  @Test
  void aHistoryRequestForAnOverlongSubjectIsRefused() {
    Status status = KnowledgeBaseGrpcServiceTest.<io.qonnect.proto.v1.HistoryResponse>status(out -> service.history(io.qonnect.proto.v1.HistoryRequest.newBuilder().setSubject("x".repeat(254)).build(), out));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).startsWith("subject:");
  }

  /** The knowledge base's own clock stepped back (NTP, an operator): the reports after it must still replace those before. */
  @Test
  void aReportAfterTheClockSteppedBackStillReplacesTheOneBefore() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(NOW);
    Clock stepping = new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    KnowledgeBaseGrpcService kb = new KnowledgeBaseGrpcService(store, stepping);
    assertThat(call(out -> kb.reportCluster(report(NOW).toBuilder().setPricePerCoreHour(1).build(), out))).isNull();
    now.addAndGet(-120_000);
    assertThat(call(out -> kb.reportCluster(report(NOW - 120_000).toBuilder().setPricePerCoreHour(2).build(), out))).isNull();
    assertThat(store.clusterReports()).singleElement().satisfies(r -> assertThat(r.getPricePerCoreHour()).as("the newer report").isEqualTo(2));
    KnowledgeBaseGrpcService restarted = new KnowledgeBaseGrpcService(store, stepping); // stamps go on from what is stored
    assertThat(call(out -> restarted.reportCluster(report(NOW - 120_000).toBuilder().setPricePerCoreHour(3).build(), out))).isNull();
    assertThat(store.clusterReports()).singleElement().satisfies(r -> assertThat(r.getPricePerCoreHour()).as("after a restart").isEqualTo(3));
  }
}
