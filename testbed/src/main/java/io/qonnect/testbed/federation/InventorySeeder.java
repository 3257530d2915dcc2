package io.qonnect.testbed.federation;

import io.qonnect.client.LeadAgentsClient;
import io.grpc.ManagedChannel;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Resources;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.Tier;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Feeds a {@code ClusterInventory} into a running federation as if agents had reported it: registers each
 * member cluster with the lead agents and reports its nodes, prices and latencies to the knowledge base. For
 * planning and tests without resource agents; real agents report the same messages.
 */
public final class InventorySeeder {
  private InventorySeeder() {}

  /** As the federation's admin user: registering clusters without agents is an admin's act. */
  public static void seed(ClusterSnapshot inventory, LocalFederation federation, Clock clock, Consumer<String> progress) {
    Transport transport = federation.clientTransport();
    ManagedChannel channel = transport.channel(federation.knowledgeBaseAddress().orElseThrow(), Identity.KnowledgeBase.class);
    try (LeadAgentsClient leadAgents = new LeadAgentsClient(federation.gatewayAddresses(), 20_000, transport)) {
      long now = clock.millis();
      for (MemberCluster c : inventory.clusters()) {
        LeadAgentsClient.knowledgeBase(channel).reportCluster(report(c, now));
        LeadAgentsClient.knowledgeBase(channel).reportLatency(latency(c.id(), inventory, now));
        leadAgents.callGateway(g -> g.register(RegisterClusterRequest.newBuilder().setCluster(c.id().value()).setTier(tier(c))
            .setRegion(c.region()).build()));
        progress.accept(c.id() + ": registered, " + c.nodeCount() + " nodes reported");
      }
    } finally {
      channel.shutdownNow();
    }
  }

  static ClusterReport report(MemberCluster c, long now) {
    // nodeCount identical nodes; what others use is spread evenly over them
    Resources used = c.allocatable().minusClamped(c.free());
    ClusterReport.Builder b = ClusterReport.newBuilder().setCluster(c.id().value()).setObservedUnixMillis(now).setTier(tier(c))
        .setRegion(c.region()).setPricePerCoreHour(c.prices().perCoreHour()).setPricePerGibHour(c.prices().perGiBHour())
        .setBandwidthMbps(c.bandwidthMbps()).setStorageBytes(c.storageBytes());
    for (int i = 0; i < c.nodeCount(); i++) {
      b.addNodes(NodeObservation.newBuilder().setName(c.id() + "-node-" + i).setReady(true)
          .setAllocatable(proto(c.node()))
          .setRequested(proto(new Resources(used.cpuMillis() / c.nodeCount(), used.memoryBytes() / c.nodeCount())))
          .setIdleWatts(c.power().idleWatts()).setMaxWatts(c.power().maxWatts()));
    }
    return b.build();
  }

  static LatencyReport latency(ClusterId from, ClusterSnapshot inventory, long now) {
    LatencyReport.Builder b = LatencyReport.newBuilder().setFromCluster(from.value()).setObservedUnixMillis(now);
    for (MemberCluster to : inventory.clusters()) {
      if (to.id().equals(from)) continue;
      inventory.latency().between(from, to.id()).ifPresent(ms -> b.addSamples(LatencySample.newBuilder().setTo(to.id().value()).setRttMs(ms)));
    }
    for (String region : inventory.latency().userRegions()) {
      inventory.latency().fromUsers(region, from).ifPresent(ms -> b.addSamples(LatencySample.newBuilder().setTo("user:" + region).setRttMs(ms)));
    }
    return b.build();
  }

  private static io.qonnect.proto.v1.Resources proto(Resources r) {
    return io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(r.cpuMillis()).setMemoryBytes(r.memoryBytes()).build();
  }

  private static Tier tier(MemberCluster c) {
    return switch (c.tier()) {
      case CLOUD -> Tier.TIER_CLOUD;
      case FOG -> Tier.TIER_FOG;
      case EDGE -> Tier.TIER_EDGE;
    };
  }
}
