package io.qonnect.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplyResponse;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.DeleteApplicationResponse;
import io.qonnect.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write whose attempt failed may have been applied all the same (its answer lost to a deadline or a cut connection):
 * every retry of it carries the request id of the first attempt, so the lead agents answer it with what that did.
 */
class LeadAgentsClientTest {
  private final List<Server> servers = new ArrayList<>();
  /** The request ids the lead agents were sent, in order, over every attempt. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(Server::shutdownNow);
  }

  /** A lead agent that records what it was sent, and loses the answer to the first attempt of each request id. */
  private String leadAgent() throws IOException {
    Server server = Transport.insecure().server(new InetSocketAddress("127.0.0.1", 0)).addService(new ControlPlaneGrpc.ControlPlaneImplBase() {
      @Override
      public void apply(ApplyRequest request, StreamObserver<ApplyResponse> out) {
        boolean retry = seen.contains(request.getRequestId());
        seen.add(request.getRequestId());
        if (!retry) {
          out.onError(Status.UNAVAILABLE.withDescription("the answer was lost").asRuntimeException());
          return;
        }
        out.onNext(ApplyResponse.newBuilder().setApplication("shop").setSpecRevision(7).build());
        out.onCompleted();
      }

      @Override
      public void deleteApplication(DeleteApplicationRequest request, StreamObserver<DeleteApplicationResponse> out) {
        boolean retry = seen.contains(request.getRequestId());
        seen.add(request.getRequestId());
        if (!retry) {
          out.onError(Status.DEADLINE_EXCEEDED.asRuntimeException());
          return;
        }
        out.onNext(DeleteApplicationResponse.newBuilder().setRevision(8).build());
        out.onCompleted();
      }
    }).build().start();
    servers.add(server);
    return "127.0.0.1:" + server.getPort();
  }

  @Test
  void everyAttemptOfOneWriteCarriesOneRequestIdAndEveryWriteItsOwn() throws IOException {
    // an attempt with an id of its own would never be answered: the client would give up after its 5 s
    try (LeadAgentsClient client = new LeadAgentsClient(List.of(leadAgent(), leadAgent()), 5_000, Transport.insecure())) {
      assertThat(client.apply(ApplyRequest.newBuilder().setSpecYaml("spec").build()).getSpecRevision()).isEqualTo(7);
      assertThat(seen).hasSize(2);
      assertThat(seen.get(0)).as("a request id").isNotEmpty().isEqualTo(seen.get(1));
      String first = seen.get(0);

      seen.clear();
      client.apply(ApplyRequest.newBuilder().setSpecYaml("spec").build());
      assertThat(seen).hasSize(2).doesNotContain(first);
      assertThat(seen.get(0)).isEqualTo(seen.get(1));

      seen.clear();
      assertThat(client.deleteApplication(DeleteApplicationRequest.newBuilder().setName("shop").build()).getRevision()).isEqualTo(8);
      assertThat(seen).hasSize(2);
      assertThat(seen.get(0)).isNotEmpty().isEqualTo(seen.get(1));

      seen.clear();
      client.apply(ApplyRequest.newBuilder().setSpecYaml("spec").setRequestId("mine-1").build());
      assertThat(seen).as("a caller's own id is kept").containsExactly("mine-1", "mine-1");
    }
  }
}
