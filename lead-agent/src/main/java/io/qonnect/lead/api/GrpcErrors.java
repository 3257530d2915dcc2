package io.qonnect.lead.api;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.qonnect.lead.raft.CommandCodec;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.proto.v1.ErrorDetail;
import io.qonnect.proto.v1.RejectionKind;
import io.qonnect.proto.v1.Violation;
import java.util.List;

/**
 * The one mapping from outcomes to gRPC statuses. Each error carries an {@link ErrorDetail} in its
 * google.rpc.Status details: the typed kind clients decide on, at most {@value #MAX_VIOLATIONS} violations (the
 * rest counted), and a leader hint when no leader was reachable here. Kinds map to codes:
 * NOT_FOUND → NOT_FOUND, STALE → ABORTED (a compare-and-set lost: read again and retry), INVALID →
 * INVALID_ARGUMENT, CONFLICT → FAILED_PRECONDITION, UNSUPPORTED → FAILED_PRECONDITION, FORBIDDEN →
 * PERMISSION_DENIED; no leader reachable → UNAVAILABLE, so clients retry elsewhere.
 */
public final class GrpcErrors {
  public static final int MAX_VIOLATIONS = 100;

  private GrpcErrors() {}

  public static StatusRuntimeException invalid(List<Violation> violations) {
    String first = violations.isEmpty() ? "invalid" : violations.getFirst().getPath() + ": " + violations.getFirst().getMessage();
    String more = violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "";
    ErrorDetail detail = ErrorDetail.newBuilder().setKind(RejectionKind.REJECTION_KIND_INVALID)
        .addAllViolations(violations.subList(0, Math.min(MAX_VIOLATIONS, violations.size())))
        .setMoreViolations(Math.max(0, violations.size() - MAX_VIOLATIONS)).build();
    return error(Status.Code.INVALID_ARGUMENT, first + more, detail);
  }

  public static StatusRuntimeException invalid(String field, String message) {
    return invalid(List.of(Violation.newBuilder().setPath(field).setMessage(message).build()));
  }

  /** A rejection from the replicated state, by its kind. */
  public static StatusRuntimeException rejected(CommandResult.Rejected r) {
    Status.Code code = switch (r.kind()) {
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case STALE -> Status.Code.ABORTED;
      case INVALID -> Status.Code.INVALID_ARGUMENT;
      case CONFLICT, UNSUPPORTED -> Status.Code.FAILED_PRECONDITION;
    };
    return error(code, r.reason(), ErrorDetail.newBuilder().setKind(CommandCodec.toProto(r.kind())).build());
  }

  /** The caller is known but may not do this (an agent speaking for another cluster). */
  public static StatusRuntimeException forbidden(String message) {
    return error(Status.Code.PERMISSION_DENIED, message, ErrorDetail.newBuilder().setKind(RejectionKind.REJECTION_KIND_FORBIDDEN).build());
  }

  public static StatusRuntimeException notFound(String what) {
    return rejected(new CommandResult.Rejected(CommandResult.Rejection.NOT_FOUND, what));
  }

  /** A proposal that failed to commit (its future completed exceptionally): no leader was reachable in time. */
  public static StatusRuntimeException notCommitted(Throwable failure, String leaderAddress) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return unavailable("not committed, no leader reachable: " + cause.getMessage(), leaderAddress);
  }

  public static StatusRuntimeException unavailable(String message, String leaderAddress) {
    return error(Status.Code.UNAVAILABLE, message, ErrorDetail.newBuilder().setLeaderAddress(leaderAddress == null ? "" : leaderAddress).build());
  }

  private static StatusRuntimeException error(Status.Code code, String message, ErrorDetail detail) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message)
        .addDetails(Any.pack(detail)).build());
  }
}
