package io.qonnect.lead.lease;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The leader's book of singleton leases: at most one member cluster may run a singleton component at any
 * time. Pure: the caller passes the time and what it knows of the agents.
 *
 * <p>A lease granted at {@code t} counts as held until {@code t + duration}; the agent stops the singleton
 * after half that without a renewal, so the other half absorbs network delay and the time it takes to scale
 * to zero. But only a live agent can stop anything: an expired lease proves nothing about a cluster whose
 * agent died while its cluster runs on. So the lease moves to another cluster only once the previous
 * holder's lease has expired <em>and</em> its agent is known to have stopped the singleton since (see
 * {@link Fences}). Until then the singleton keeps running where it was, and the new cluster waits.
 *
 * <p>A new leader does not know what its predecessor granted: it grants nothing during its first lease
 * duration (every earlier lease has expired by then), and its first grant of each singleton needs every other
 * member cluster's agent to be known to have stopped it. A cluster whose agent never comes back therefore
 * holds singletons back after a leader change until it is removed from the federation.
 */
public final class LeaseBook {
  /** What the leader knows of whether a member cluster's agent has a singleton stopped. */
  @FunctionalInterface
  public interface Fences {
    /**
     * True when the cluster's agent proved, at some moment after {@code sinceMillis}, that no pod of the singleton
     * exists there (terminating ones included), reading its API server; never inferred from silence or from
     * peers reaching it.
     */
    boolean stoppedAfter(String cluster, String application, String component, long sinceMillis);
  }

  private record Grant(String cluster, long until) {}

  private final long durationMillis;
  private final long leaderSinceMillis;
  private final Map<String, Grant> grants = new HashMap<>();
  private final Map<String, String> waiting = new HashMap<>();

  /** @param leaderSinceMillis when this lead agent became leader */
  public LeaseBook(long durationMillis, long leaderSinceMillis) {
    if (durationMillis <= 0) throw new IllegalArgumentException("lease duration must be positive");
    this.durationMillis = durationMillis;
    this.leaderSinceMillis = leaderSinceMillis;
  }

  public long durationMillis() {
    return durationMillis;
  }

  /**
   * Grants or renews the lease on {@code application/component} for {@code cluster}, the member cluster the
   * committed placement runs it in. Returns false while another cluster may still run it.
   *
   * @param memberClusters every member cluster with an agent (who may have held it under an earlier leader)
   */
  public synchronized boolean grant(String application, String component, String cluster, Collection<String> memberClusters,
      Fences fences, long now) {
    String key = application + "/" + component;
    Grant current = grants.get(key);
    if (current == null || !current.cluster().equals(cluster)) {
      long expired = current != null ? current.until() : leaderSinceMillis + durationMillis;
      if (now < expired) {
        waiting.put(key, current != null ? "its lease in " + current.cluster() + " has not expired yet"
            : "a new leader grants singleton leases only after one lease duration");
        return false;
      }
      Collection<String> mayRunIt = current != null ? List.of(current.cluster()) : memberClusters;
      for (String other : mayRunIt) {
        if (!other.equals(cluster) && !fences.stoppedAfter(other, application, component, expired)) {
          waiting.put(key, "waiting until " + other + "'s agent is known to have stopped it (it may still run there)");
          return false;
        }
      }
    }
    waiting.remove(key);
    grants.put(key, new Grant(cluster, now + durationMillis));
    return true;
  }

  /** Why the singleton's placed cluster was last refused its lease; empty once it was granted. */
  public synchronized Optional<String> waiting(String application, String component) {
    return Optional.ofNullable(waiting.get(application + "/" + component));
  }
}
