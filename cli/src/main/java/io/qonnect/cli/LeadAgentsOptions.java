package io.qonnect.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qonnect.lead.api.GrpcErrors;
import io.qonnect.proto.v1.ApplyRejected;
import io.qonnect.proto.v1.Violation;
import io.qonnect.testbed.federation.LeadAgentsClient;
import io.qonnect.testbed.federation.LocalFederation;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** {@code --server}: which lead agents to talk to; by default the local federation's, from {@code federation up}. */
final class LeadAgentsOptions {
  @Option(names = "--server", split = ",", paramLabel = "HOST:PORT",
      description = "lead agent addresses, comma-separated; any of them works (default: the local federation's)")
  List<String> servers;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long without a lead agent answering (default 15)")
  int timeoutSeconds = 15;

  LeadAgentsClient connect() {
    List<String> addresses = servers != null && !servers.isEmpty() ? servers
        : new LocalFederation(LocalFederation.defaultWorkDir(), "", List.of()).leadAgentAddresses();
    if (addresses.isEmpty()) throw new QonnectMain.UserError("no lead agents known: run './qonnect federation up' or pass --server HOST:PORT");
    return new LeadAgentsClient(addresses, timeoutSeconds * 1000L);
  }

  /** Runs one call, turning gRPC failures into one-line user errors (violations one per line). */
  <T> T call(Function<LeadAgentsClient, T> call, String source) {
    try (LeadAgentsClient client = connect()) {
      return call.apply(client);
    } catch (StatusRuntimeException e) {
      throw userError(e, source);
    }
  }

  static QonnectMain.UserError userError(StatusRuntimeException e, String source) {
    Status status = e.getStatus();
    ApplyRejected rejected = e.getTrailers() == null ? null : e.getTrailers().get(GrpcErrors.APPLY_REJECTED);
    if (status.getCode() == Status.Code.INVALID_ARGUMENT && rejected != null) {
      StringBuilder b = new StringBuilder(source + ": invalid, nothing was stored:");
      for (Violation v : rejected.getViolationsList()) {
        b.append("\n  ").append(source).append(v.getLine() > 0 ? ":" + v.getLine() : "").append(": ").append(v.getPath()).append(": ").append(v.getMessage());
      }
      return new QonnectMain.UserError(b.toString());
    }
    String what = switch (status.getCode()) {
      case NOT_FOUND, FAILED_PRECONDITION, INVALID_ARGUMENT -> "";
      case UNAVAILABLE, DEADLINE_EXCEEDED -> "lead agents unavailable: ";
      default -> status.getCode() + ": ";
    };
    return new QonnectMain.UserError(what + status.getDescription());
  }
}
