package io.qonnect.agent.reconcile;

import java.util.HashMap;
import java.util.Map;

/**
 * The singleton leases this agent holds, in its own monotonic clock (never the wall clock: a step would stretch a lease). A lease of duration D received at t is trusted
 * until t + D/2: the leader grants the singleton elsewhere only D after its last renewal here, so the other
 * half covers the message's delay and the time it takes to scale to zero. Pure: the caller passes the time.
 */
public final class SingletonLeases {
  private final Map<String, Long> validUntil = new HashMap<>();

  /** Records a grant or renewal; returns until when it is trusted. */
  public synchronized long received(String application, String component, long durationMillis, long now) {
    long until = now + durationMillis / 2;
    validUntil.merge(application + "/" + component, until, Math::max);
    return until;
  }

  public synchronized boolean held(String application, String component, long now) {
    return validUntil.getOrDefault(application + "/" + component, Long.MIN_VALUE) > now;
  }
}
