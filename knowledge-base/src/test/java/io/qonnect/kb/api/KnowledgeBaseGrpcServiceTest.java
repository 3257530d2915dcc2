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
    Status[] result = {null};
    method.accept(new StreamObserver<>() {
      @Override public void onNext(ReportAck ack) { }
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
}
