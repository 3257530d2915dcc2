package io.qonnect.lead.api;

import io.qonnect.proto.v1.Heartbeat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's view of its agents' streams: each member cluster's last heartbeat and when it came. In memory
 * on purpose: a new leader starts empty and learns within one heartbeat; only verdicts go through Raft.
 */
public final class AgentSessions {
  /**
   * @param receivedMillis when it came, on this lead agent's monotonic clock (what every timer compares with)
   * @param receivedUnixMillis the same moment in wall time, only to show it
   */
  public record Last(long receivedMillis, long receivedUnixMillis, Heartbeat heartbeat) {}

  private final Map<String, Last> last = new ConcurrentHashMap<>();

  public void heartbeat(Heartbeat heartbeat, long monotonicMillis, long unixMillis) {
    last.put(heartbeat.getCluster(), new Last(monotonicMillis, unixMillis, heartbeat));
  }

  public Optional<Last> last(String cluster) {
    return Optional.ofNullable(last.get(cluster));
  }

  /** When the cluster's agent last heartbeated, in wall time (0: never), for people. */
  public long lastHeartbeatUnixMillis(String cluster) {
    return last(cluster).map(Last::receivedUnixMillis).orElse(0L);
  }
}
