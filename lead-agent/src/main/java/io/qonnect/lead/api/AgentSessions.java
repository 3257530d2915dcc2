package io.qonnect.lead.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leader's view of its agents' streams: when each member cluster's agent last heartbeated. In memory on
 * purpose: a new leader starts empty and learns within one heartbeat; only verdicts go through Raft.
 */
public final class AgentSessions {
  private final Map<String, Long> lastHeartbeat = new ConcurrentHashMap<>();

  public void heartbeat(String cluster, long nowMillis) {
    lastHeartbeat.put(cluster, nowMillis);
  }

  public long lastHeartbeat(String cluster) {
    return lastHeartbeat.getOrDefault(cluster, 0L);
  }
}
