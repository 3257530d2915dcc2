package io.qonnect.lead.lease;

import java.util.HashMap;
import java.util.Map;

/**
 * The leader's book of singleton leases: at most one member cluster holds an unexpired lease on a singleton
 * component at any time, as far as this leader can know. Pure: the caller passes the time.
 *
 * <p>A lease granted at {@code t} counts as held until {@code t + duration}; the agent stops the singleton
 * after half that without a renewal, so the other half absorbs network delay and the time it takes to scale
 * to zero. A new leader does not know what its predecessor granted, so it grants nothing new during its
 * first lease duration: every lease granted before it took over has expired by then. That costs a
 * singleton at most one lease duration of downtime on a leader change and never lets it run twice.
 */
public final class SingletonLeases {
  private record Grant(String cluster, long until) {}

  private final long durationMillis;
  private final long leaderSinceMillis;
  private final Map<String, Grant> grants = new HashMap<>();

  /** @param leaderSinceMillis when this lead agent became leader */
  public SingletonLeases(long durationMillis, long leaderSinceMillis) {
    if (durationMillis <= 0) throw new IllegalArgumentException("lease duration must be positive");
    this.durationMillis = durationMillis;
    this.leaderSinceMillis = leaderSinceMillis;
  }

  public long durationMillis() {
    return durationMillis;
  }

  /**
   * Grants or renews the lease on {@code application/component} for {@code cluster}, the member cluster the
   * committed placement runs it in. Returns false when another cluster may still hold it.
   */
  public synchronized boolean grant(String application, String component, String cluster, long now) {
    String key = application + "/" + component;
    Grant current = grants.get(key);
    boolean heldElsewhere = current != null && !current.cluster().equals(cluster) && current.until() > now;
    boolean predecessorsExpired = now >= leaderSinceMillis + durationMillis;
    boolean renewal = current != null && current.cluster().equals(cluster);
    if (heldElsewhere || (!renewal && !predecessorsExpired)) return false;
    grants.put(key, new Grant(cluster, now + durationMillis));
    return true;
  }

  /** The cluster holding an unexpired lease on the singleton, if any (for status and drills). */
  public synchronized String holder(String application, String component, long now) {
    Grant g = grants.get(application + "/" + component);
    return g != null && g.until() > now ? g.cluster() : "";
  }
}
