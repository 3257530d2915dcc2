package io.qonnect.agent.probe;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.qonnect.transport.Access;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.grpc.stub.StreamObserver;
import io.qonnect.proto.v1.AgentProbeGrpc;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.PeerAgent;
import io.qonnect.proto.v1.PingRequest;
import io.qonnect.proto.v1.PingResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures the round-trip time from this member cluster's agent to every peer agent the leader names, over
 * gRPC on warm channels, and reports the minimum over the last {@value #WINDOW} probes of a few pings each:
 * the usual estimator of path delay, which a busy CPU or a GC pause can only lengthen, never shorten. Only peers
 * that answered appear in the report: a missing sample means "not reachable from here", which the leader
 * uses to tell an agent cut off from the lead agents from one that is gone.
 *
 * <p>The RTT is reported as measured, nothing added (the testbed delays the packets themselves). Round trips from
 * user regions cannot be measured from here: they are the operator's declared {@link UserLatency}, reported as given.
 */
public final class PeerProber implements AutoCloseable {
  private static final int PINGS = 2;
  private static final int WINDOW = 5;
  private static final long DEADLINE_MS = 1000;
  private static final String USER_PREFIX = "user:";

  private final String cluster;
  private final UserLatency users;
  private final Clock clock;
  private final Map<String, ManagedChannel> channels = new HashMap<>();
  private final Transport transport;
  private final Map<String, java.util.ArrayDeque<Double>> recent = new HashMap<>();

  /** @param users the declared round trips from user regions ({@link UserLatency#NONE}: none) */
  public PeerProber(String cluster, UserLatency users, Transport transport, Clock clock) {
    this.transport = transport;
    this.cluster = cluster;
    this.users = users;
    this.clock = clock;
  }

  /** Probes every peer once; returns the report to send to the knowledge base. */
  public synchronized LatencyReport probe(List<PeerAgent> peers) {
    // stamped before the first ping: the leader takes a peer in the report as alive at this time (or later)
    LatencyReport.Builder b = LatencyReport.newBuilder().setFromCluster(cluster).setObservedUnixMillis(clock.millis());
    Map<String, String> wanted = new HashMap<>();
    peers.forEach(p -> wanted.put(p.getAddress(), p.getCluster()));
    channels.entrySet().removeIf(e -> {
      if (wanted.containsKey(e.getKey())) return false;
      e.getValue().shutdownNow();
      return true;
    });
    recent.keySet().retainAll(new java.util.HashSet<>(wanted.values())); // a set: a map's values() scans on contains()
    for (PeerAgent peer : peers) {
      ManagedChannel channel = channels.computeIfAbsent(peer.getAddress(),
          a -> transport.channel(a, Identity.Agent.class));
      double best = Double.MAX_VALUE;
      for (int i = 0; i < PINGS; i++) {
        long start = System.nanoTime();
        try {
          AgentProbeGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
              .ping(PingRequest.newBuilder().setFromCluster(cluster).build());
          best = Math.min(best, (System.nanoTime() - start) / 1e6);
        } catch (StatusRuntimeException e) {
          break;
        }
      }
      if (best == Double.MAX_VALUE) {
        recent.remove(peer.getCluster());
        continue;
      }
      java.util.ArrayDeque<Double> window = recent.computeIfAbsent(peer.getCluster(), k -> new java.util.ArrayDeque<>());
      window.addLast(best);
      if (window.size() > WINDOW) window.removeFirst();
      best = window.stream().mapToDouble(Double::doubleValue).min().orElse(best);
      b.addSamples(LatencySample.newBuilder().setTo(peer.getCluster()).setRttMs(best));
    }
    for (String region : users.regions()) {
      users.from(region, cluster).ifPresent(ms -> b.addSamples(LatencySample.newBuilder().setTo(USER_PREFIX + region).setRttMs(ms)));
    }
    return b.build();
  }

  @Override
  public synchronized void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }

  /** What every agent serves at its registered agent address. */
  public static final class Service extends AgentProbeGrpc.AgentProbeImplBase {
    /** Only other member clusters' agents measure their round trip here. */
    public static final java.util.Map<String, Access.Rule> ACCESS = java.util.Map.of("Ping", Access.Rule.services(Identity.Agent.class));
    private final String cluster;

    public Service(String cluster) {
      this.cluster = cluster;
    }

    @Override
    public void ping(PingRequest request, StreamObserver<PingResponse> out) {
      out.onNext(PingResponse.newBuilder().setCluster(cluster).build());
      out.onCompleted();
    }
  }
}
