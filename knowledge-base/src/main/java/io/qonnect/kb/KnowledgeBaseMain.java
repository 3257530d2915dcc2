package io.qonnect.kb;

import io.grpc.Server;
import io.qonnect.ops.Ops;
import io.qonnect.transport.Access;
import io.qonnect.kb.api.KnowledgeBaseGrpcService;
import io.qonnect.kb.store.InMemoryKnowledgeStore;
import io.qonnect.kb.store.KnowledgeStore;
import io.qonnect.kb.store.RocksDbKnowledgeStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The knowledge base process: a store and its gRPC service. Wiring only. */
public final class KnowledgeBaseMain {
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBaseMain.class);

  private final KnowledgeStore store;
  private final Server server;
  private final Ops ops = new Ops("knowledge-base", () -> System.nanoTime() / 1_000_000);

  public KnowledgeBaseMain(KnowledgeBaseConfig config) throws IOException {
    this.store = config.inMemory() ? new InMemoryKnowledgeStore() : new RocksDbKnowledgeStore(config.dataDir());
    this.server = config.transport().server(new InetSocketAddress(config.host(), config.port()))
        .addService(Access.guard(new KnowledgeBaseGrpcService(store, Clock.systemUTC()), KnowledgeBaseGrpcService.ACCESS, config.transport()))
        .addService(ops.healthService())
        .intercept(ops.grpcMetrics()) // report rates: qonnect_grpc_server_seconds_count by method
        .build()
        .start();
    InetSocketAddress metrics = ops.serve(config.metricsAddress());
    LOG.info("knowledge base serving on {}:{} ({}), metrics http://{}:{}/metrics, {}", config.host(), server.getPort(),
        config.inMemory() ? "in memory" : "RocksDB in " + config.dataDir(), metrics.getHostString(), metrics.getPort(), config.transport().describe());
  }

  public int port() {
    return server.getPort();
  }

  public void close() throws InterruptedException {
    server.shutdown().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    ops.close();
    store.close();
  }

  public static void main(String[] args) throws Exception {
    KnowledgeBaseConfig config;
    try {
      config = KnowledgeBaseConfig.load(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("knowledge-base: invalid configuration:\n" + e.getMessage());
      System.exit(1);
      return;
    }
    io.qonnect.ops.Logs.configure("knowledge-base", config.logFormat(), java.util.Map.of());
    KnowledgeBaseMain kb = new KnowledgeBaseMain(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        kb.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    kb.server.awaitTermination();
  }
}
