package io.qonnect.lead.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.qonnect.proto.v1.ApplyRejected;
import io.qonnect.proto.v1.LeaderHint;
import io.qonnect.proto.v1.Violation;
import java.util.List;

/**
 * The one mapping from outcomes to gRPC statuses: invalid input → INVALID_ARGUMENT (violations in the
 * trailers), stale revision → FAILED_PRECONDITION, unknown name → NOT_FOUND, no leader reachable →
 * UNAVAILABLE with a leader hint when one is known, so clients retry elsewhere.
 */
public final class GrpcErrors {
  public static final Metadata.Key<ApplyRejected> APPLY_REJECTED = ProtoUtils.keyForProto(ApplyRejected.getDefaultInstance());
  public static final Metadata.Key<LeaderHint> LEADER_HINT = ProtoUtils.keyForProto(LeaderHint.getDefaultInstance());

  private GrpcErrors() {}

  public static StatusRuntimeException invalid(List<Violation> violations) {
    Metadata trailers = new Metadata();
    trailers.put(APPLY_REJECTED, ApplyRejected.newBuilder().addAllViolations(violations).build());
    String first = violations.isEmpty() ? "invalid" : violations.getFirst().getPath() + ": " + violations.getFirst().getMessage();
    String more = violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "";
    return Status.INVALID_ARGUMENT.withDescription(first + more).asRuntimeException(trailers);
  }

  public static StatusRuntimeException invalid(String field, String message) {
    return invalid(List.of(Violation.newBuilder().setPath(field).setMessage(message).build()));
  }

  /** A rejection from the replicated state: its reason starts with the kind ("stale:", "not found:"). */
  public static StatusRuntimeException rejected(String reason) {
    if (reason.startsWith("not found")) return Status.NOT_FOUND.withDescription(reason).asRuntimeException();
    if (reason.startsWith("stale")) return Status.FAILED_PRECONDITION.withDescription(reason).asRuntimeException();
    return Status.FAILED_PRECONDITION.withDescription(reason).asRuntimeException();
  }

  public static StatusRuntimeException notFound(String what) {
    return Status.NOT_FOUND.withDescription("not found: " + what).asRuntimeException();
  }

  /** A proposal that failed to commit (its future completed exceptionally): no leader was reachable in time. */
  public static StatusRuntimeException notCommitted(Throwable failure, String leaderAddress) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return unavailable("not committed, no leader reachable: " + cause.getMessage(), leaderAddress);
  }

  public static StatusRuntimeException unavailable(String message, String leaderAddress) {
    Metadata trailers = new Metadata();
    if (leaderAddress != null && !leaderAddress.isEmpty()) trailers.put(LEADER_HINT, LeaderHint.newBuilder().setLeaderAddress(leaderAddress).build());
    return Status.UNAVAILABLE.withDescription(message).asRuntimeException(trailers);
  }
}
