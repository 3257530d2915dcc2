package io.qonnect.placement.borda;

import static io.qonnect.placement.Fixtures.cluster;
import static io.qonnect.placement.Fixtures.component;
import static io.qonnect.placement.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.placement.Fixtures;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.spec.Constraints;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.util.List;
import org.junit.jupiter.api.Test;

class BordaStrategyTest {
  // big: 1 node, 16 cores, 64 GiB, max 400 W, 0.02/core-h. small: 2 nodes, 4 cores, 8 GiB, max 20 W, 0.05/core-h.
  final MemberCluster big = cluster("big", Tier.CLOUD, "eu", 1, 16, 64, 100, 400, 0.02, 0.0);
  final MemberCluster small = cluster("small", Tier.EDGE, "eu", 2, 4, 8, 5, 20, 0.05, 0.0);

  @Test
  void pointsAreNMinusRankWithTiesSharingTheBetterRank() {
    var nodes = List.of(new BordaStrategy.Node(big, 0), new BordaStrategy.Node(small, 0), new BordaStrategy.Node(small, 1));
    // Energy (lower better): small nodes tie for best → 3 points each; big is worse than 2 → 3 - 2 = 1.
    assertThat(BordaStrategy.points(nodes, BordaStrategy.Node::maxWatts, false)).containsExactly(1, 3, 3);
    // CPU (higher better): big best → 3; the small ones tie behind one better → 2 each.
    assertThat(BordaStrategy.points(nodes, n -> n.cluster().node().cpuMillis(), true)).containsExactly(3, 2, 2);
  }

  @Test
  void energyWeightPicksTheClusterWithTheMostKeptPoints() {
    // Energy only: w = energy points: big 1, small 3 + 3. Mean 7/3; only the small nodes are kept; small wins.
    var totals = BordaStrategy.clusterTotals(List.of(big, small), new QosWeights(1, 0, 0));
    assertThat(totals).containsOnlyKeys(small.id());
    assertThat(totals.get(small.id())).isEqualTo(6.0);
  }

  @Test
  void neverChecksCapacityWhichIsWhyItIsOnlyABaseline() {
    var web = component("web", 6, 2000, 1024); // 12 cores: more than small's 8, all on one cluster
    var s = spec("a", new QosWeights(1, 0, 0), Constraints.NONE, 1, web);
    var snapshot = Fixtures.snapshot(big, small);
    var o = (PlacementOutcome.Placed) new BordaStrategy().place(s, snapshot);
    assertThat(o.placement().of("web")).containsEntry(small.id(), 6);
    assertThat(Feasibility.violations(s, snapshot, o.placement().components())).anyMatch(v -> v.contains("over-committed"));
    assertThat(o.explanation().notes()).anyMatch(n -> n.startsWith("breaks: small: over-committed"));
    assertThat(small.free()).isEqualTo(new Resources(8000, 16L << 30));
  }
}
