package io.qonnect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.DeleteApplicationResponse;
import io.qonnect.proto.v1.ErrorDetail;
import io.qonnect.proto.v1.RejectionKind;
import io.qonnect.proto.v1.Violation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client end of the error contract: a lead agent's refusal, typed by the ErrorDetail in its status details
 * (never by its text), becomes one line and the exit code of its kind. The server end is GrpcErrorsTest.
 */
class TypedErrorsTest {
  private Server server;
  private volatile RejectionKind kind;
  private volatile Status.Code code;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new ControlPlaneGrpc.ControlPlaneImplBase() {
      @Override
      public void deleteApplication(DeleteApplicationRequest request, StreamObserver<DeleteApplicationResponse> out) {
        ErrorDetail.Builder detail = ErrorDetail.newBuilder().setKind(kind);
        if (kind == RejectionKind.REJECTION_KIND_INVALID) detail.addViolations(Violation.newBuilder().setPath("name").setMessage("not a DNS-1123 label"));
        // the message starts like another kind's would: only the typed detail may decide
        out.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(code.value())
            .setMessage("stale: application " + request.getName()).addDetails(Any.pack(detail.build())).build()));
      }
    }).build().start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @ParameterizedTest
  @CsvSource({
      "REJECTION_KIND_NOT_FOUND,   NOT_FOUND,           3, not found:",
      "REJECTION_KIND_STALE,       ABORTED,             4, read it again and retry",
      "REJECTION_KIND_INVALID,     INVALID_ARGUMENT,    1, invalid, nothing was stored",
      "REJECTION_KIND_CONFLICT,    FAILED_PRECONDITION, 5, refused:",
      "REJECTION_KIND_UNSUPPORTED, FAILED_PRECONDITION, 6, not supported by every lead agent yet",
      "REJECTION_KIND_FORBIDDEN,   PERMISSION_DENIED,   7, forbidden:",
  })
  void everyRejectionKindReachesTheCliTyped(RejectionKind rejection, Status.Code status, int exitCode, String says) {
    kind = rejection;
    code = status;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = QonnectMain.run(new String[] {"delete", "app", "shop", "--server", "127.0.0.1:" + server.getPort(), "--timeout", "3", "--insecure"},
        new PrintWriter(out), new PrintWriter(err));
    assertThat(exit).isEqualTo(exitCode);
    assertThat(err.toString()).startsWith("error: ").contains(says).doesNotContain("Exception").doesNotContain("\tat ");
    if (rejection == RejectionKind.REJECTION_KIND_INVALID) assertThat(err.toString()).contains("name: not a DNS-1123 label");
    else assertThat(err.toString().strip().lines()).hasSize(1);
  }
}
