package io.qonnect.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One periodic loop of a server (a controller's round, the agent's resync, its reports). Its boundary catches
 * everything, {@code Error}s included, so a failure never ends the loop silently (a task that throws out of a
 * {@link ScheduledExecutorService} is never run again, and nothing says so); and it keeps what liveness needs: how
 * many rounds in a row failed, and when the last round ended. A loop is alive while fewer than
 * {@code failuresBeforeDead} rounds in a row failed and a round ended within {@code staleAfterMillis} (a round that
 * hangs, or a scheduler that died, shows as stale). Each round's duration goes to {@code qonnect_loop_seconds} with
 * the loop's name and the outcome, and what it allocated to {@code qonnect_loop_allocated_bytes_total} (beside the
 * JVM's {@code jvm_gc_memory_allocated_bytes_total}, which loop makes the garbage the collector's pauses clear).
 */
public final class Loop {
  private static final Logger LOG = LoggerFactory.getLogger(Loop.class);

  /** A round's work. */
  @FunctionalInterface
  public interface Round {
    void run() throws Exception;
  }

  private final String name;
  private final int failuresBeforeDead;
  private final long staleAfterMillis;
  private final LongSupplier monotonicMillis;
  private final Timer ok;
  private final Timer failed;
  private final Counter allocated;
  private int failuresInARow;
  private long lastEndedMillis;
  private String lastFailure = "";

  public Loop(String name, int failuresBeforeDead, long staleAfterMillis, MeterRegistry registry, LongSupplier monotonicMillis) {
    if (failuresBeforeDead < 1 || staleAfterMillis < 1) throw new IllegalArgumentException("loop " + name + ": limits must be positive");
    this.name = name;
    this.failuresBeforeDead = failuresBeforeDead;
    this.staleAfterMillis = staleAfterMillis;
    this.monotonicMillis = monotonicMillis;
    this.ok = Timer.builder("qonnect.loop").description("one round of a server's periodic loop").tag("loop", name).tag("outcome", "ok").register(registry);
    this.failed = Timer.builder("qonnect.loop").description("one round of a server's periodic loop").tag("loop", name).tag("outcome", "failed").register(registry);
    this.allocated = Counter.builder("qonnect.loop.allocated").baseUnit("bytes").description("heap a server's periodic loop allocated")
        .tag("loop", name).register(registry);
    this.lastEndedMillis = monotonicMillis.getAsLong(); // a loop that never ran is stale once the bound has passed since it was made
  }

  /** Runs one round; whatever it throws is logged and counted, never passed on. */
  public void runOnce(Round round) {
    long start = System.nanoTime();
    long allocatedBefore = allocatedByThisThread();
    try {
      round.run();
      ok.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      synchronized (this) {
        failuresInARow = 0;
        lastEndedMillis = monotonicMillis.getAsLong();
      }
    } catch (Throwable t) {
      failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      int failures;
      synchronized (this) {
        failures = ++failuresInARow;
        lastEndedMillis = monotonicMillis.getAsLong();
        lastFailure = t.toString();
      }
      if (t instanceof Error) LOG.error("{} round failed ({} in a row), the loop goes on: {}", name, failures, t, t);
      else LOG.warn("{} round failed ({} in a row), retrying next round: {}", name, failures, t.toString());
      if (t instanceof InterruptedException) Thread.currentThread().interrupt();
    } finally {
      allocated.increment(Math.max(0, allocatedByThisThread() - allocatedBefore));
    }
  }

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  /** Bytes this thread allocated so far, 0 where the JVM does not count them. */
  private static long allocatedByThisThread() {
    return THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemoryEnabled() ? t.getCurrentThreadAllocatedBytes() : 0;
  }

  /** Runs a round every {@code intervalMillis} on {@code scheduler}. */
  public Loop every(ScheduledExecutorService scheduler, long intervalMillis, Round round) {
    scheduler.scheduleWithFixedDelay(() -> runOnce(round), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Why this loop is not alive, or empty if it is. */
  public synchronized Optional<String> dead() {
    if (failuresInARow >= failuresBeforeDead) return Optional.of(name + ": " + failuresInARow + " rounds in a row failed, last: " + lastFailure);
    long quiet = monotonicMillis.getAsLong() - lastEndedMillis;
    if (quiet > staleAfterMillis) return Optional.of(name + ": no round ended for " + quiet + " ms (bound " + staleAfterMillis + " ms)");
    return Optional.empty();
  }
}
