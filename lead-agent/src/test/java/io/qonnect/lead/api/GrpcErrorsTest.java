package io.qonnect.lead.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.proto.v1.ErrorDetail;
import io.qonnect.proto.v1.RejectionKind;
import io.qonnect.proto.v1.Violation;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server end of the error contract: every rejection kind travels typed in the status details. */
class GrpcErrorsTest {
  static ErrorDetail detail(StatusRuntimeException e) throws Exception {
    return StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorDetail.class);
  }

  @ParameterizedTest
  @EnumSource(CommandResult.Rejection.class)
  void everyRejectionKindHasItsCodeAndItsTypedDetail(CommandResult.Rejection kind) throws Exception {
    StatusRuntimeException e = GrpcErrors.rejected(new CommandResult.Rejected(kind, "application shop"));
    Status.Code expected = switch (kind) {
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case STALE -> Status.Code.ABORTED;
      case INVALID -> Status.Code.INVALID_ARGUMENT;
      case CONFLICT, UNSUPPORTED -> Status.Code.FAILED_PRECONDITION;
    };
    assertThat(e.getStatus().getCode()).isEqualTo(expected);
    assertThat(e.getStatus().getDescription()).isEqualTo("application shop");
    assertThat(detail(e).getKind()).isEqualTo(RejectionKind.valueOf("REJECTION_KIND_" + kind.name()));
  }

  @Test
  void violationsAreCappedAndTheRestCounted() throws Exception {
    List<Violation> many = IntStream.range(0, 250).mapToObj(i -> Violation.newBuilder().setPath("spec.components[" + i + "]").setMessage("bad").build()).toList();
    ErrorDetail d = detail(GrpcErrors.invalid(many));
    assertThat(d.getViolationsCount()).isEqualTo(GrpcErrors.MAX_VIOLATIONS);
    assertThat(d.getMoreViolations()).isEqualTo(150);
    assertThat(d.getKind()).isEqualTo(RejectionKind.REJECTION_KIND_INVALID);
  }

  @Test
  void unavailableCarriesTheLeaderHint() throws Exception {
    assertThat(detail(GrpcErrors.unavailable("no leader", "127.0.0.1:7001")).getLeaderAddress()).isEqualTo("127.0.0.1:7001");
  }
}
