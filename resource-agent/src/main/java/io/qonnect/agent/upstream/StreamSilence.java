package io.qonnect.agent.upstream;

import java.util.function.LongSupplier;

/**
 * When the stream from the lead agent counts as dead: nothing at all came down it, no desired state, lease or
 * ping, for longer than the bound. The leader pings a quiet stream about every second, so a long silence is a
 * hung lead agent (or a connection stuck somewhere), which neither TCP nor gRPC's keepalive, both below the
 * application, need ever notice. Measured on an injected monotonic clock: a wall-clock step must not end a
 * stream, nor keep a dead one.
 */
final class StreamSilence {
  private final LongSupplier monotonicMillis;
  private final long boundMillis;
  private volatile long lastHeardMillis;

  /** Silent from now on: a new stream has heard nothing yet. */
  StreamSilence(LongSupplier monotonicMillis, long boundMillis) {
    this.monotonicMillis = monotonicMillis;
    this.boundMillis = boundMillis;
    this.lastHeardMillis = monotonicMillis.getAsLong();
  }

  /** A message came down the stream; called on gRPC's thread. */
  void heard() {
    lastHeardMillis = monotonicMillis.getAsLong();
  }

  long silentMillis() {
    return monotonicMillis.getAsLong() - lastHeardMillis;
  }

  boolean exceeded() {
    return exceeded(lastHeardMillis, monotonicMillis.getAsLong(), boundMillis);
  }

  /** Pure: past the bound, not at it. Compares a difference, as System.nanoTime's values must be (they may wrap). */
  static boolean exceeded(long lastHeardMillis, long nowMillis, long boundMillis) {
    return nowMillis - lastHeardMillis > boundMillis;
  }
}
