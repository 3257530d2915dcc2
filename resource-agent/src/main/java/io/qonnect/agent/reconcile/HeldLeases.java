package io.qonnect.agent.reconcile;

import java.util.HashMap;
import java.util.Map;

/**
 * The singleton leases this agent holds, in its own monotonic clock (never the wall clock: a step would stretch a lease). A lease of duration D received at t is trusted
 * until t + D/2: the leader grants the singleton elsewhere only D after its last renewal here, so the other
 * half covers the message's delay and the time it takes to scale to zero. Pure: the caller passes the time.
 */
public final class HeldLeases {
  private record Lease(long until, long term) {}

  private final Map<String, Lease> leases = new HashMap<>();

  /** Records a grant or renewal from a leader of unknown term (before 0.3); returns until when it is trusted. */
  public synchronized long received(String application, String component, long durationMillis, long now) {
    return received(application, component, durationMillis, now, 0);
  }

  /**
   * Records a grant or renewal; returns until when the lease is trusted. A renewal from an older term than one
   * already seen for this singleton is ignored: a deposed leader must not stretch a lease its successor lets lapse.
   */
  public synchronized long received(String application, String component, long durationMillis, long now, long term) {
    String key = application + "/" + component;
    Lease current = leases.get(key);
    if (current != null && term < current.term()) return current.until();
    long until = now + durationMillis / 2;
    leases.put(key, new Lease(current == null ? until : Math.max(until, current.until()), Math.max(term, current == null ? 0 : current.term())));
    return leases.get(key).until();
  }

  public synchronized boolean held(String application, String component, long now) {
    Lease lease = leases.get(application + "/" + component);
    return lease != null && lease.until() > now;
  }
}
