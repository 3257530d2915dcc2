package io.qonnect.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.MethodDescriptor;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What one qonnect server shows an operator, in one place:
 * <ul>
 *   <li>metrics in a Micrometer registry, scraped by Prometheus at {@code GET /metrics} (JVM, process, the server's
 *       own series, one timer per gRPC method and status code, one per loop and outcome), each series tagged with the
 *       process;
 *   <li>{@code GET /livez}: 200 while every {@link Loop} is alive, else 503 naming the dead ones (a kubelet restarts
 *       the process); {@code GET /readyz}: 200 when the server says it is ready;
 *   <li>{@code grpc.health.v1.Health} for the gRPC servers: the empty service name is the process (SERVING while
 *       alive), and a server may mark its services as it likes ({@link #serving}).
 * </ul>
 * The HTTP endpoint is plaintext and unauthenticated: bind it to loopback or a pod-local address that only the
 * scraper and the kubelet reach (deploy/ does).
 */
public final class Ops implements AutoCloseable {
  /** Rounds in a row that may fail before a loop counts as dead. */
  static final int FAILURES_BEFORE_DEAD = 5;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private final HealthStatusManager health = new HealthStatusManager();
  private final LongSupplier monotonicMillis;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private volatile BooleanSupplier ready = () -> true;
  private final Map<String, HttpHandler> pages = new LinkedHashMap<>();
  private HttpServer http;
  private final java.util.concurrent.ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ops-health");
    t.setDaemon(true);
    return t;
  });

  /** @param process the role, as every series is tagged ({@code lead-agent}, {@code knowledge-base}, {@code resource-agent}) */
  public Ops(String process, LongSupplier monotonicMillis) {
    this.monotonicMillis = monotonicMillis;
    registry.config().commonTags("process", process);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * A loop of this server, part of its liveness: dead after {@value #FAILURES_BEFORE_DEAD} failed rounds in a row, or
   * when no round ended for ten intervals (at least 30 s).
   */
  public Loop loop(String name, long intervalMillis) {
    Loop loop = new Loop(name, FAILURES_BEFORE_DEAD, Math.max(30_000, 10 * intervalMillis), registry, monotonicMillis);
    loops.add(loop);
    return loop;
  }

  /** Why the process is not alive: one line per dead loop; empty while alive. */
  public List<String> dead() {
    return loops.stream().map(Loop::dead).flatMap(Optional::stream).toList();
  }

  /**
   * Another path this server's HTTP endpoint answers (before {@link #serve}): a lead agent's read-only console.
   * Whatever is mounted here is as unauthenticated as {@code /metrics}.
   */
  public void page(String path, HttpHandler handler) {
    if (http != null) throw new IllegalStateException("pages are mounted before serve");
    pages.put(path, handler);
  }

  /** What decides {@code /readyz} (default: always ready). */
  public void readiness(BooleanSupplier ready) {
    this.ready = ready;
  }

  /** {@code grpc.health.v1.Health}, to add to each gRPC server of the process. */
  public BindableService healthService() {
    return health.getHealthService();
  }

  /** Marks a gRPC service (its full name, e.g. {@code qonnect.v1.ControlPlane}) as serving or not. */
  public void serving(String service, boolean serving) {
    health.setStatus(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /**
   * Times every call this process makes as a gRPC client, by method and status code ({@code qonnect_grpc_client_seconds}):
   * what the lead agents, the knowledge base and the peers answered it, as it saw it. Pass it to the transport
   * ({@code Transport.observeCalls}).
   */
  public ClientInterceptor grpcClientMetrics() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        long start = System.nanoTime();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                Timer.builder("qonnect.grpc.client").description("gRPC calls made, until they closed").tag("method", method.getFullMethodName())
                    .tag("code", status.getCode().name()).register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                super.onClose(status, trailers);
              }
            }, headers);
          }
        };
      }
    };
  }

  /** Times every call a gRPC server answers, by method and status code ({@code qonnect_grpc_server_seconds}). */
  public ServerInterceptor grpcMetrics() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            Timer.builder("qonnect.grpc.server").description("gRPC calls answered").tag("method", method).tag("code", status.getCode().name())
                .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            super.close(status, trailers);
          }
        }, headers);
      }
    };
  }

  /**
   * Serves {@code /metrics}, {@code /livez} and {@code /readyz} at {@code address} (resolved here if it is not, as the
   * servers' settings keep it); returns where it listens (port 0: any).
   */
  public InetSocketAddress serve(InetSocketAddress address) throws IOException {
    http = HttpServer.create(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address, 16);
    http.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ops-http");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/metrics", ex -> answer(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    http.createContext("/livez", ex -> {
      List<String> dead = dead();
      answer(ex, dead.isEmpty() ? 200 : 503, "text/plain; charset=utf-8", dead.isEmpty() ? "ok\n" : String.join("\n", dead) + "\n");
    });
    http.createContext("/readyz", ex -> {
      boolean ok = ready.getAsBoolean() && dead().isEmpty();
      answer(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n");
    });
    pages.forEach(http::createContext);
    http.start();
    // the process's own gRPC health follows its liveness
    watchdog.scheduleWithFixedDelay(() -> health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
        dead().isEmpty() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING), 0, 1, TimeUnit.SECONDS);
    return http.getAddress();
  }

  private static void answer(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    health.enterTerminalState();
    if (http != null) http.stop(0);
    gc.close();
    registry.close();
  }
}
