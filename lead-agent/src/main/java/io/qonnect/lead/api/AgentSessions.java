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
  public record Last(long receivedMillis, Heartbeat heartbeat) {}

  private final Map<String, Last> last = new ConcurrentHashMap<>();

  public void heartbeat(Heartbeat heartbeat, long nowMillis) {
    last.put(heartbeat.getCluster(), new Last(nowMillis, heartbeat));
  }

  public Optional<Last> last(String cluster) {
    return Optional.ofNullable(last.get(cluster));
  }

  public long lastHeartbeat(String cluster) {
    return last(cluster).map(Last::receivedMillis).orElse(0L);
  }
}
