package io.qonnect.placement.filter;

import static io.qonnect.placement.Fixtures.cluster;
import static io.qonnect.placement.Fixtures.component;
import static io.qonnect.placement.Fixtures.pinned;
import static io.qonnect.placement.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.placement.snapshot.LatencyMatrix;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.Constraints;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** One table per filter plugin: input, and the exact answer. */
class FiltersTest {
  final MemberCluster edge = cluster("edge-1", Tier.EDGE, "eu-central", 2, 4, 8, 4, 12, 0.045, 0.006);
  final ComponentSpec web = component("web", 2, 500, 512);
  final QosSpec plain = spec("a", QosWeights.EQUAL, Constraints.NONE, 1, web);
  final LatencyMatrix users = new LatencyMatrix(Map.of(), Map.of("eu-central", Map.of("edge-1", 5.0), "us-east", Map.of("edge-1", 90.0)));

  private Optional<Refusal> run(ClusterFilter f, QosSpec s, ComponentSpec c, boolean entry, MemberCluster x, LatencyMatrix l) {
    return f.reject(new FilterRequest(s, c, entry, x, l));
  }

  @Test
  void schedulable() {
    assertThat(run(new SchedulableFilter(), plain, web, true, edge, LatencyMatrix.EMPTY)).isEmpty();
    assertThat(run(new SchedulableFilter(), plain, web, true, edge.withSchedulable(false), LatencyMatrix.EMPTY))
        .contains(new Refusal(Refusal.Reason.NOT_SCHEDULABLE, "cluster is not schedulable (failed or cordoned)"));
  }

  @Test
  void tier() {
    assertThat(run(new TierFilter(), plain, web, true, edge, LatencyMatrix.EMPTY)).isEmpty(); // no tiers = any
    assertThat(run(new TierFilter(), plain, pinned(web, Tier.EDGE), true, edge, LatencyMatrix.EMPTY)).isEmpty();
    assertThat(run(new TierFilter(), plain, pinned(web, Tier.FOG, Tier.CLOUD), true, edge, LatencyMatrix.EMPTY))
        .contains(new Refusal(Refusal.Reason.TIER, "tier edge is not allowed (tiers: cloud, fog)"));
  }

  @Test
  void region() {
    var onlyWest = spec("a", QosWeights.EQUAL, new Constraints(OptionalInt.empty(), List.of("eu-west"), List.of()), 1, web);
    assertThat(run(new RegionFilter(), plain, web, true, edge, LatencyMatrix.EMPTY)).isEmpty();
    assertThat(run(new RegionFilter(), onlyWest, web, true, edge, LatencyMatrix.EMPTY)).contains(new Refusal(Refusal.Reason.REGION, "region eu-central is not allowed (regions: eu-west)"));
  }

  @Test
  void nodeFit() {
    // A node has 4 cores and 8 GiB: 4 cores fit, 4.001 do not, whatever is free in all.
    assertThat(run(new NodeFitFilter(), plain, component("w", 1, 4000, 8192), true, edge, LatencyMatrix.EMPTY)).isEmpty();
    assertThat(run(new NodeFitFilter(), plain, component("w", 1, 4001, 512), true, edge, LatencyMatrix.EMPTY))
        .contains(new Refusal(Refusal.Reason.NODE_FIT, "one replica (4001m cpu, 512Mi memory) is larger than a node (4 cpu, 8Gi memory)"));
  }

  @Test
  void freeCapacity() {
    var nearlyFull = edge.withFree(new Resources(400, 1L << 30));
    assertThat(run(new FreeCapacityFilter(), plain, component("w", 1, 400, 1024), true, nearlyFull, LatencyMatrix.EMPTY)).isEmpty();
    assertThat(run(new FreeCapacityFilter(), plain, web, true, nearlyFull, LatencyMatrix.EMPTY))
        .contains(new Refusal(Refusal.Reason.FREE_CAPACITY, "not enough free capacity: needs 500m cpu, 512Mi memory per replica, 400m cpu, 1Gi memory free"));
  }

  @Test
  void userLatencyAppliesToEntryComponentsOnly() {
    var tight = spec("a", QosWeights.EQUAL, new Constraints(OptionalInt.of(20), List.of(), List.of("us-east")), 1, web);
    var loose = spec("a", QosWeights.EQUAL, new Constraints(OptionalInt.of(20), List.of(), List.of("us-east", "eu-central")), 1, web);
    assertThat(run(new UserLatencyFilter(), tight, web, true, edge, users)).contains(new Refusal(Refusal.Reason.USER_LATENCY, "nearest users are 90 ms away, over maxLatencyMs 20"));
    assertThat(run(new UserLatencyFilter(), tight, web, false, edge, users)).isEmpty();
    assertThat(run(new UserLatencyFilter(), loose, web, true, edge, users)).isEmpty(); // eu-central users are 5 ms away
    assertThat(run(new UserLatencyFilter(), tight, web, true, edge, LatencyMatrix.EMPTY)).contains(new Refusal(Refusal.Reason.USER_LATENCY, "latency from users (us-east) is unknown"));
  }
}
