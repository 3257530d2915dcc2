package io.qonnect.lead.health;

import io.qonnect.lead.state.ClusterHealth;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides member cluster verdicts, Healthy → Suspect → Failed and back, from what the leader observes. Pure:
 * signals and the time in, a verdict change out; the only memory is each cluster's accumulated unhealthy time.
 *
 * <p>Unhealthy time accumulates and drains at a quarter of the rate while healthy, so a flapping cluster
 * does not restart its clock on every blip: unhealthy half of the time, it fails nearly as soon as one that
 * is down. A problem makes a cluster Suspect at once (no new replicas, nothing moved), Failed once the
 * accumulated time reaches {@code failAfterMillis} (its components fail over). It is Healthy again after
 * {@code recoverAfterMillis} without a problem.
 *
 * <p>The reasons tell "agent gone, cluster fine" from "cluster gone" where it can be observed: an agent that
 * is silent to the leader but still answers its peers' probes is cut off from the lead agents, not dead.
 */
public final class HealthRules {
  /**
   * The most unhealthy time one evaluation adds, however long since the last: a leader that stalled (a GC pause,
   * a stopped VM) observed nothing in between, and must not fail every cluster at once on waking up.
   */
  public static final long MAX_ROUND_GAP_MILLIS = 500;

  /**
   * @param silentAfterMillis how long without a heartbeat counts as silent
   * @param failAfterMillis accumulated unhealthy time that makes a cluster Failed
   * @param recoverAfterMillis problem-free time that makes a Suspect or Failed cluster Healthy again
   */
  public record Config(long silentAfterMillis, long failAfterMillis, long recoverAfterMillis) {
    public static final Config DEFAULT = new Config(2000, 1500, 3000);
  }

  /**
   * What the leader observes of one member cluster.
   *
   * @param lastHeartbeatMillis when its agent last heartbeated (a new leader counts from its own start)
   * @param apiServerReachable the agent's last word on its API server
   * @param reachableByPeers another agent reached it after its last heartbeat
   */
  public record Signals(long lastHeartbeatMillis, boolean apiServerReachable, int nodesReady, int nodesTotal, boolean reachableByPeers) {}

  public record Verdict(ClusterHealth health, String reason) {}

  private static final class Track {
    long lastMillis = -1;
    long unhealthyMillis;
    long healthySince = -1;
  }

  private final Config config;
  private final Map<String, Track> tracks = new HashMap<>();

  public HealthRules(Config config) {
    this.config = config;
  }

  /** The verdict to commit for {@code cluster}, if it differs from {@code current}. */
  public Optional<Verdict> evaluate(String cluster, ClusterHealth current, Signals s, long now) {
    Track t = tracks.computeIfAbsent(cluster, k -> new Track());
    long dt = t.lastMillis < 0 ? 0 : Math.min(MAX_ROUND_GAP_MILLIS, Math.max(0, now - t.lastMillis));
    t.lastMillis = now;
    String problem = problem(s, now);
    if (problem != null) {
      t.unhealthyMillis += dt;
      t.healthySince = -1;
      ClusterHealth target = t.unhealthyMillis >= config.failAfterMillis() || current == ClusterHealth.FAILED ? ClusterHealth.FAILED : ClusterHealth.SUSPECT;
      return target == current ? Optional.empty() : Optional.of(new Verdict(target, problem));
    }
    t.unhealthyMillis = Math.max(0, t.unhealthyMillis - dt / 4);
    if (t.healthySince < 0) t.healthySince = now;
    if (current != ClusterHealth.HEALTHY && now - t.healthySince >= config.recoverAfterMillis()) {
      return Optional.of(new Verdict(ClusterHealth.HEALTHY, "agent heartbeating, API server reachable, " + s.nodesReady() + "/" + s.nodesTotal() + " nodes Ready"));
    }
    return Optional.empty();
  }

  /** Accumulated unhealthy time, for status and tests. */
  public long unhealthyMillis(String cluster) {
    Track t = tracks.get(cluster);
    return t == null ? 0 : t.unhealthyMillis;
  }

  private String problem(Signals s, long now) {
    long silent = now - s.lastHeartbeatMillis();
    if (silent >= config.silentAfterMillis()) {
      return String.format("agent silent for %.1f s; ", silent / 1000.0) + (s.reachableByPeers()
          ? "peers still reach it: agent cut off from the lead agents, cluster alive"
          : "peers cannot reach it either: agent or cluster gone");
    }
    if (!s.apiServerReachable()) return "API server unreachable from the agent: cluster down";
    if (s.nodesTotal() > 0 && s.nodesReady() == 0) return "all " + s.nodesTotal() + " nodes NotReady";
    return null;
  }
}
