package io.qonnect.cli;

import io.grpc.StatusRuntimeException;
import io.qonnect.client.ApiError;
import io.qonnect.proto.v1.Violation;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.transport.Transport;
import io.qonnect.transport.TransportFlags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Which lead agents to talk to, and as whom: the flags given ({@code --server}, {@code --ca/--cert/--key} or
 * {@code --insecure}), else the context ({@code --context}, else the config file's current one, see
 * {@link CliConfig}), else the {@link DefaultLeadAgents} (with the testbed: the local federation from {@code federation up},
 * as its admin user).
 */
public final class LeadAgentsOptions {
  @Option(names = "--server", split = ",", paramLabel = "HOST:PORT",
      description = "lead agent addresses, comma-separated; any of them works (default: the local federation's)")
  List<String> servers;

  @Option(names = "--ca", paramLabel = "FILE", description = "the federation's CA certificate (default: the local federation's)")
  Path ca;

  @Option(names = "--cert", paramLabel = "FILE", description = "your user certificate, from 'qonnect certs issue --user' (default: the local federation's admin)")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "your certificate's key")
  Path key;

  @Option(names = "--insecure", description = "plaintext, for a federation started with --insecure")
  boolean insecure;

  @Option(names = "--context", paramLabel = "NAME", description = "a context of the config file (default: its current context)")
  String context;

  @Option(names = "--config", paramLabel = "FILE", description = "the config file (default $QONNECT_CONFIG or ~/.qonnect/config)")
  Path config;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up after this long without a lead agent answering (default 15)")
  int timeoutSeconds = 15;

  public LeadAgentsClient connect() {
    Optional<DefaultLeadAgents> local = DefaultLeadAgents.find();
    Path file = config != null ? config : CliConfig.defaultPath();
    Optional<CliConfig.Context> ctx = CliConfig.load(file).select(context, file);
    List<String> addresses = servers != null && !servers.isEmpty() ? servers
        : ctx.map(CliConfig.Context::servers).filter(s -> !s.isEmpty()).orElseGet(() -> local.map(DefaultLeadAgents::addresses).orElse(List.of()));
    if (addresses.isEmpty()) throw new QonnectMain.UserError("no lead agents known: run './qonnect federation up', pass --server HOST:PORT or set a context");
    return new LeadAgentsClient(addresses, timeoutSeconds * 1000L, transport(local, ctx));
  }

  private Transport transport(Optional<DefaultLeadAgents> local, Optional<CliConfig.Context> ctx) {
    List<String> problems = new ArrayList<>();
    Transport t;
    boolean flags = insecure || ca != null || cert != null || key != null;
    if (!flags && ctx.isPresent()) {
      CliConfig.Context c = ctx.get();
      t = TransportFlags.parse(c.ca() == null ? "" : c.ca(), c.cert() == null ? "" : c.cert(), c.key() == null ? "" : c.key(),
          c.insecure() ? "true" : "", problems);
    } else if (flags) {
      t = TransportFlags.parse(ca == null ? "" : ca.toString(), cert == null ? "" : cert.toString(), key == null ? "" : key.toString(),
          insecure ? "true" : "", problems);
    } else if (local.isPresent() && !local.get().addresses().isEmpty()) {
      try {
        t = local.get().transport();
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        t = null;
      }
    } else {
      problems.add("--cert: required for --server (with --ca and --key), or --insecure");
      t = null;
    }
    if (!problems.isEmpty()) throw new QonnectMain.UserError(String.join("\n", problems));
    return t;
  }

  /** Runs one call, turning gRPC failures into one-line user errors (violations one per line). */
  public <T> T call(Function<LeadAgentsClient, T> call, String source) {
    try (LeadAgentsClient client = connect()) {
      return call.apply(client);
    } catch (StatusRuntimeException e) {
      throw userError(e, source);
    }
  }

  /** A failed call as one user error: a line saying what kind of refusal it is, the exit code by that kind. */
  public static QonnectMain.UserError userError(StatusRuntimeException e, String source) {
    ApiError error = ApiError.of(e);
    String line = switch (error.kind()) {
      case NOT_FOUND -> "not found: " + error.message();
      case STALE -> "stale: " + error.message() + " (the state moved on: read it again and retry)";
      case INVALID -> source + ": invalid, nothing was stored" + (error.violations().isEmpty() ? ": " + error.message() : ":");
      case CONFLICT -> "refused: " + error.message();
      case UNSUPPORTED -> "not supported by every lead agent yet: " + error.message();
      case FORBIDDEN -> "forbidden: " + error.message();
      case UNAVAILABLE -> "lead agents unavailable: " + error.message();
      case INTERNAL -> e.getStatus().getCode() + ": " + error.message();
    };
    StringBuilder b = new StringBuilder(line);
    for (Violation v : error.violations()) {
      b.append("\n  ").append(source).append(v.getLine() > 0 ? ":" + v.getLine() : "").append(": ").append(v.getPath()).append(": ").append(v.getMessage());
    }
    if (error.moreViolations() > 0) b.append("\n  … and ").append(error.moreViolations()).append(" more");
    return new QonnectMain.UserError(b.toString(), QonnectMain.exitCode(error.kind()));
  }
}
