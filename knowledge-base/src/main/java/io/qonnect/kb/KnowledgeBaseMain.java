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
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The knowledge base process: a store and its gRPC service. Wiring only. */
public final class KnowledgeBaseMain {
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeBaseMain.class);

  private static final int PRUNE_CHUNK = 10_000;

  private final KnowledgeStore store;
  private final Server server;
  private final Ops ops = new Ops("knowledge-base", () -> System.nanoTime() / 1_000_000);
  private final ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "history-retention");
    t.setDaemon(true); // a start that fails must not leave the process running for it
    return t;
  });

  public KnowledgeBaseMain(KnowledgeBaseConfig config) throws IOException {
    this.store = config.inMemory() ? new InMemoryKnowledgeStore() : new RocksDbKnowledgeStore(config.dataDir());
    this.server = config.transport().server(new InetSocketAddress(config.host(), config.port()))
        .addService(Access.guard(new KnowledgeBaseGrpcService(store, Clock.systemUTC()), KnowledgeBaseGrpcService.ACCESS, config.transport()))
        .addService(ops.healthService())
        .intercept(ops.grpcMetrics()) // report rates: qonnect_grpc_server_seconds_count by method
        .build()
        .start();
    if (!config.historyRetention().isZero()) {
      Duration keep = config.historyRetention();
      retention.scheduleWithFixedDelay(() -> pruneHistory(keep, Clock.systemUTC()), 0, 1, TimeUnit.MINUTES);
    }
    InetSocketAddress metrics = ops.serve(config.metricsAddress());
    LOG.info("knowledge base serving on {}:{} ({}), metrics http://{}:{}/metrics, {}", config.host(), server.getPort(),
        config.inMemory() ? "in memory" : "RocksDB in " + config.dataDir(), metrics.getHostString(), metrics.getPort(), config.transport().describe());
  }

  /** Removes events older than {@code keep}, in chunks so that reports are not held up behind one long write. */
  private void pruneHistory(Duration keep, Clock clock) {
    long before = clock.millis() - keep.toMillis();
    try {
      long removed = 0;
      for (int chunk = PRUNE_CHUNK; chunk == PRUNE_CHUNK; removed += chunk) chunk = store.pruneHistory(before, PRUNE_CHUNK);
      if (removed > 0) LOG.info("history retention: removed {} events older than {}", removed, keep);
    } catch (RuntimeException e) {
      LOG.warn("history retention failed (tried again in a minute): {}", e.getMessage());
    }
  }

  public int port() {
    return server.getPort();
  }

  public void close() throws InterruptedException {
    retention.shutdownNow();
    server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    retention.awaitTermination(5, TimeUnit.SECONDS);
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
