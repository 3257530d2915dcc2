package io.qonnect.lead.kb;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.qonnect.kb.api.KnowledgeBaseGrpcService;
import io.qonnect.kb.store.InMemoryKnowledgeStore;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.SnapshotRequest;
import io.qonnect.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lead agent reads the real knowledge base service over gRPC: in pages, whole from an older one, cached for reads. */
class KnowledgeBaseClientTest {
  private final InMemoryKnowledgeStore store = new InMemoryKnowledgeStore();
  private final KnowledgeBaseGrpcService service = new KnowledgeBaseGrpcService(store, Clock.systemUTC());
  private final AtomicInteger wholeCalls = new AtomicInteger();
  private final AtomicInteger pageCalls = new AtomicInteger();
  private final AtomicInteger pagesSent = new AtomicInteger();
  private final AtomicLong now = new AtomicLong(1_000);
  private Server server;
  private KnowledgeBaseClient client;

  @AfterEach
  void stop() {
    if (client != null) client.close();
    if (server != null) server.shutdownNow();
  }

  @Test
  void aSnapshotLargerThanOnePageIsReadInPagesAndMergedWhole() throws IOException {
    for (int from = 0; from < 300; from++) { // 300 × 300 samples: about 2 MiB, more than one page
      LatencyReport.Builder r = LatencyReport.newBuilder().setFromCluster("c-" + from).setObservedUnixMillis(1);
      for (int to = 0; to < 300; to++) r.addSamples(LatencySample.newBuilder().setTo("c-" + to).setRttMs(from + to / 1000.0));
      store.putLatencyReport(r.build());
    }
    start(true);
    ObservationSnapshot read = client.latest();
    assertThat(client.degraded()).isFalse();
    assertThat(read.getLatencyList()).isEqualTo(store.latencyReports());
    assertThat(pageCalls).hasValue(1);
    assertThat(pagesSent).hasValueGreaterThan(1);
    assertThat(wholeCalls).as("never the one message that grows with the matrix").hasValue(0);
  }

  @Test
  void aKnowledgeBaseWithoutPagesIsReadWholeAndAskedForPagesOnlyOnce() throws IOException {
    store.putLatencyReport(LatencyReport.newBuilder().setFromCluster("eu-1").setObservedUnixMillis(1).build());
    start(false);
    assertThat(client.latest().getLatencyCount()).isEqualTo(1);
    assertThat(client.latest().getLatencyCount()).isEqualTo(1);
    assertThat(client.degraded()).isFalse();
    assertThat(wholeCalls).hasValue(2);
  }

  @Test
  void readsWithinTheirAgeShareOneFetch() throws IOException {
    start(true);
    client.recent(1_000);
    now.addAndGet(999);
    client.recent(1_000);
    client.cached();
    assertThat(pageCalls).as("one fetch for reads within a second").hasValue(1);
    now.addAndGet(2);
    client.recent(1_000);
    assertThat(pageCalls).as("older than a second: fetched again").hasValue(2);
    client.latest();
    assertThat(pageCalls).as("latest always fetches").hasValue(3);
  }

  /** Serves the real service's answers, counting calls; {@code withPages=false} is a knowledge base from before pages. */
  private void start(boolean withPages) throws IOException {
    KnowledgeBaseGrpc.KnowledgeBaseImplBase counted = new KnowledgeBaseGrpc.KnowledgeBaseImplBase() {
      @Override
      public void snapshot(SnapshotRequest request, StreamObserver<ObservationSnapshot> out) {
        wholeCalls.incrementAndGet();
        service.snapshot(request, out);
      }

      @Override
      public void snapshotPages(SnapshotRequest request, StreamObserver<ObservationSnapshot> out) {
        if (!withPages) {
          super.snapshotPages(request, out); // UNIMPLEMENTED
          return;
        }
        pageCalls.incrementAndGet();
        service.snapshotPages(request, new StreamObserver<>() {
          @Override public void onNext(ObservationSnapshot page) { pagesSent.incrementAndGet(); out.onNext(page); }
          @Override public void onError(Throwable t) { out.onError(t); }
          @Override public void onCompleted() { out.onCompleted(); }
        });
      }
    };
    server = Transport.insecure().server(new InetSocketAddress("127.0.0.1", 0)).addService(counted).build().start();
    client = new KnowledgeBaseClient("127.0.0.1:" + server.getPort(), Transport.insecure(), Clock.systemUTC(), now::get);
  }
}
