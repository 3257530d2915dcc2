package io.qonnect.placement.solve;

import static io.qonnect.placement.Fixtures.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaDividerTest {
  final MemberCluster a = cluster("a", Tier.FOG, "eu", 1, 4, 8, 0, 1, 0, 0);
  final MemberCluster b = cluster("b", Tier.FOG, "eu", 1, 4, 8, 0, 1, 0, 0);
  final MemberCluster c = cluster("c", Tier.FOG, "eu", 1, 4, 8, 0, 1, 0, 0);
  final Resources oneCore = new Resources(1000, 1L << 30);
  final Map<ClusterId, Resources> free = new HashMap<>(Map.of(a.id(), a.free(), b.id(), b.free(), c.id(), c.free()));

  @Test
  void oneEachThenTheRestCheapestFirst() {
    // Each cluster has room for 4 one-core replicas. 6 over [a, b]: 1 + 1, then a takes 3 more (its room), b 1.
    assertThat(ReplicaDivider.divide(6, oneCore, List.of(a, b), List.of(), 2, free)).contains(new java.util.TreeMap<>(Map.of(a.id(), 4, b.id(), 2)));
  }

  @Test
  void extendsIntoSparesWhenTheChosenAreFull() {
    free.put(a.id(), new Resources(1000, 1L << 30)); // room for 1
    assertThat(ReplicaDivider.divide(6, oneCore, List.of(a), List.of(b, c), 3, free)).contains(new java.util.TreeMap<>(Map.of(a.id(), 1, b.id(), 4, c.id(), 1)));
  }

  @Test
  void givesUpWhenNothingFitsWithinTheClusterLimit() {
    assertThat(ReplicaDivider.divide(9, oneCore, List.of(a), List.of(b, c), 2, free)).isEmpty(); // 2 clusters × 4 < 9
    free.put(a.id(), Resources.ZERO);
    assertThat(ReplicaDivider.divide(1, oneCore, List.of(a), List.of(), 1, free)).isEmpty();
  }
}
