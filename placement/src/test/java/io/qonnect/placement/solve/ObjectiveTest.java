package io.qonnect.placement.solve;

import static io.qonnect.placement.Fixtures.cluster;
import static io.qonnect.placement.Fixtures.component;
import static io.qonnect.placement.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qonnect.placement.Fixtures;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Constraints;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ObjectiveTest {
  // cloud: 4-core nodes, (500 - 100) W / 4 cores = 100 W per core; 0.02 per core-hour, 0.01 per GiB-hour.
  final MemberCluster cloud = cluster("cloud-1", Tier.CLOUD, "eu", 2, 4, 16, 100, 500, 0.02, 0.01);
  // edge: 2-core nodes, (12 - 4) W / 2 cores = 4 W per core; 0.05 per core-hour, 0.02 per GiB-hour.
  final MemberCluster edge = cluster("edge-1", Tier.EDGE, "eu", 1, 2, 4, 4, 12, 0.05, 0.02);

  @Test
  void energyAndCostPerReplicaFollowThePowerProfileAndPrices() {
    var web = component("web", 2, 500, 1024); // 0.5 cores, 1 GiB
    // 0.5 cores × 100 W = 50 W; 0.5 cores × 4 W = 2 W.
    assertThat(Objective.energyPerReplica(web, cloud)).isCloseTo(50, within(1e-9));
    assertThat(Objective.energyPerReplica(web, edge)).isCloseTo(2, within(1e-9));
    // 0.5 × 0.02 + 1 × 0.01 = 0.02; 0.5 × 0.05 + 1 × 0.02 = 0.045.
    assertThat(Objective.costPerReplica(web, cloud)).isCloseTo(0.02, within(1e-12));
    assertThat(Objective.costPerReplica(web, edge)).isCloseTo(0.045, within(1e-12));
  }

  @Test
  void normalisesEachTermAgainstTheWorstEligibleChoice() {
    var web = component("web", 2, 500, 1024);
    QosSpec s = spec("shop", new QosWeights(1, 1, 2), Constraints.NONE, 1, web);
    var snapshot = Fixtures.snapshot(cloud, edge.withFree(new Resources(1000, 2L << 30))); // edge half used
    var objective = new Objective(s, snapshot, Map.of("web", snapshot.clusters()));
    SortedMap<ClusterId, Integer> at = new TreeMap<>(Map.of(cloud.id(), 1, edge.id(), 1));
    var b = objective.evaluate(Map.of("web", at));
    // Energy: (50 + 2) / (2 replicas × worst 50) = 0.52. Cost: (0.02 + 0.045) / (2 × 0.045) = 0.7222…
    assertThat(b.energy()).isCloseTo(0.52, within(1e-9));
    assertThat(b.cost()).isCloseTo(0.065 / 0.09, within(1e-9));
    // Headroom: utilisation cloud 0, edge 0.5 → (0 + 0.5) / 2 replicas = 0.25; no latency terms, so P = 0.25.
    assertThat(b.headroom()).isCloseTo(0.25, within(1e-9));
    assertThat(b.performance()).isCloseTo(0.25, within(1e-9));
    // Weights 1:1:2 normalise to 0.25, 0.25, 0.5.
    assertThat(b.value()).isCloseTo(0.25 * 0.52 + 0.25 * (0.065 / 0.09) + 0.5 * 0.25, within(1e-9));
    assertThat(b.watts()).isCloseTo(52, within(1e-9));
  }

  @Test
  void latencyGoesToTheNearestCalleeAndHalvesThePerformanceTerm() {
    var front = component("front", 2, 100, 128, "back");
    var back = component("back", 1, 100, 128);
    var a = cluster("a", Tier.FOG, "eu", 1, 4, 8, 0, 100, 0.01, 0.01);
    var b = cluster("b", Tier.FOG, "eu", 1, 4, 8, 0, 100, 0.01, 0.01);
    var c = cluster("c", Tier.FOG, "eu", 1, 4, 8, 0, 100, 0.01, 0.01);
    var snapshot = Fixtures.snapshot(List.of(a, b, c), Map.of("a", Map.of("b", 10.0, "c", 30.0), "b", Map.of("c", 20.0)), Map.of());
    QosSpec s = spec("shop", new QosWeights(0, 0, 1), new Constraints(OptionalInt.of(40), List.of(), List.of()), 1, front, back);
    var objective = new Objective(s, snapshot, Map.of("front", snapshot.clusters(), "back", snapshot.clusters()));
    // front: one replica on a, one on c; back on b. Edge term = ½ × 10 ms + ½ × 20 ms = 15 ms; one term; scale 40 ms.
    var bd = objective.evaluate(Map.of("front", new TreeMap<>(Map.of(a.id(), 1, c.id(), 1)), "back", new TreeMap<>(Map.of(b.id(), 1))));
    assertThat(bd.meanLatencyMs()).isCloseTo(15, within(1e-9));
    assertThat(bd.latency()).isCloseTo(15.0 / 40, within(1e-9));
    assertThat(bd.performance()).isCloseTo((15.0 / 40 + 0) / 2, within(1e-9));
  }
}
