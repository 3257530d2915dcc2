package io.qonnect.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.qonnect.proto.v1.ErrorDetail;
import io.qonnect.proto.v1.Violation;
import java.util.List;

/**
 * A failed call to the lead agents, typed: what kind of failure, the server's message, and for invalid input the
 * violations. Read from the {@link ErrorDetail} in the status's google.rpc.Status details (never from the
 * message's text); a status without one (a transport failure, a server from before 0.2) is typed by its code.
 */
public record ApiError(Kind kind, String message, List<Violation> violations, int moreViolations, String leaderAddress) {
  public enum Kind {
    /** The named application or member cluster does not exist. */
    NOT_FOUND,
    /** A compare-and-set lost: the state moved on; read again and retry. */
    STALE,
    /** Bad input: nothing was stored. */
    INVALID,
    /** Not allowed by the current state. */
    CONFLICT,
    /** Not supported by every lead agent yet (a rolling upgrade in progress). */
    UNSUPPORTED,
    /** The caller may not do this. */
    FORBIDDEN,
    /** No lead agent (or no leader) answered in time. */
    UNAVAILABLE,
    /** Anything else: a bug or an unexpected server. */
    INTERNAL
  }

  public ApiError {
    violations = List.copyOf(violations);
  }

  public static ApiError of(StatusRuntimeException e) {
    Status status = e.getStatus();
    String message = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    ErrorDetail detail = detail(e);
    Kind kind = switch (detail.getKind()) {
      case REJECTION_KIND_NOT_FOUND -> Kind.NOT_FOUND;
      case REJECTION_KIND_STALE -> Kind.STALE;
      case REJECTION_KIND_INVALID -> Kind.INVALID;
      case REJECTION_KIND_CONFLICT -> Kind.CONFLICT;
      case REJECTION_KIND_UNSUPPORTED -> Kind.UNSUPPORTED;
      case REJECTION_KIND_FORBIDDEN -> Kind.FORBIDDEN;
      case REJECTION_KIND_UNSPECIFIED, UNRECOGNIZED -> byCode(status.getCode());
    };
    return new ApiError(kind, message, detail.getViolationsList(), detail.getMoreViolations(), detail.getLeaderAddress());
  }

  private static Kind byCode(Status.Code code) {
    return switch (code) {
      case NOT_FOUND -> Kind.NOT_FOUND;
      case ABORTED -> Kind.STALE;
      case INVALID_ARGUMENT -> Kind.INVALID;
      case FAILED_PRECONDITION -> Kind.CONFLICT;
      case PERMISSION_DENIED, UNAUTHENTICATED -> Kind.FORBIDDEN;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> Kind.UNAVAILABLE;
      default -> Kind.INTERNAL;
    };
  }

  /** The typed detail of a failed call, or an empty one. */
  public static ErrorDetail detail(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) return ErrorDetail.getDefaultInstance();
    for (Any any : status.getDetailsList()) {
      if (any.is(ErrorDetail.class)) {
        try {
          return any.unpack(ErrorDetail.class);
        } catch (InvalidProtocolBufferException ignored) {
          return ErrorDetail.getDefaultInstance();
        }
      }
    }
    return ErrorDetail.getDefaultInstance();
  }
}
