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
  /** The open stream of each member cluster on this lead agent: one at a time. */
  private final Map<String, OpenStream> streams = new java.util.HashMap<>();

  private record OpenStream(Object token, long openedMillis, Runnable close) {}

  /**
   * Claims the one stream a member cluster may have open here. A second one while the first is alive (it spoke
   * within {@code silentAfterMillis}) is refused: two agents holding the same cluster's certificate would
   * otherwise take turns applying, each with its own view. A first stream silent that long is taken as dead
   * (a connection that vanished without a close, which only keepalive would notice, ~15 s later): it is closed
   * with {@code close} and the new one takes its place, so an agent reconnecting after a partition is not kept out.
   *
   * @return empty when {@code token}'s stream holds the cluster now; otherwise why it may not
   */
  public synchronized Optional<String> openStream(String cluster, Object token, long nowMillis, long silentAfterMillis, Runnable close) {
    OpenStream open = streams.get(cluster);
    if (open != null && open.token() != token) {
      long lastSign = Math.max(open.openedMillis(), last(cluster).map(Last::receivedMillis).orElse(Long.MIN_VALUE));
      if (nowMillis - lastSign < silentAfterMillis) {
        return Optional.of("member cluster " + cluster + " already has a stream open here, alive " + (nowMillis - lastSign)
            + " ms ago: a second agent with this cluster's certificate?");
      }
      open.close().run();
    }
    streams.put(cluster, new OpenStream(token, nowMillis, close));
    return Optional.empty();
  }

  /** How many member clusters have a stream open here. */
  public synchronized int openStreams() {
    return streams.size();
  }

  /** The stream of {@code token} ended; the cluster may open another. */
  public synchronized void streamClosed(String cluster, Object token) {
    OpenStream open = streams.get(cluster);
    if (open != null && open.token() == token) streams.remove(cluster);
  }

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
