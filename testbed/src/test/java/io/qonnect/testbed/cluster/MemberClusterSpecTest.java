package io.qonnect.testbed.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.placement.spec.Tier;
import org.junit.jupiter.api.Test;

class MemberClusterSpecTest {
  @Test
  void layoutNamesClustersAfterTheirTierAndSpreadsRegions() {
    var clusters = MemberClusterSpec.parseLayout("cloud=3,fog=1,edge=2");
    assertThat(clusters).extracting(MemberClusterSpec::name).containsExactly("cloud-1", "cloud-2", "cloud-3", "fog-1", "edge-1", "edge-2");
    assertThat(clusters).extracting(MemberClusterSpec::region).containsExactly("eu-central", "eu-west", "us-east", "eu-central", "eu-central", "eu-central");
    assertThat(clusters.get(4).tier()).isEqualTo(Tier.EDGE);
    assertThat(clusters.get(4).nodeName(2)).isEqualTo("edge-1-node-2");
  }

  @Test
  void badLayoutsSayWhatIsWrong() {
    assertThatThrownBy(() -> MemberClusterSpec.parseLayout("cloud")).hasMessageContaining("is not TIER=COUNT");
    assertThatThrownBy(() -> MemberClusterSpec.parseLayout("mist=2")).hasMessageContaining("unknown tier 'mist'");
    assertThatThrownBy(() -> MemberClusterSpec.parseLayout("edge=x")).hasMessageContaining("'x' is not a number");
    assertThatThrownBy(() -> MemberClusterSpec.parseLayout("edge=1,edge=2")).hasMessageContaining("given twice");
    assertThatThrownBy(() -> MemberClusterSpec.parseLayout("edge=0")).hasMessageContaining("no cluster");
    assertThatThrownBy(() -> MemberClusterSpec.parseLayout("edge=99")).hasMessageContaining("between 0 and 20");
  }

  @Test
  void latencyModelIsSymmetricAndZeroWithinACluster() {
    var c = MemberClusterSpec.parseLayout("cloud=3,edge=1");
    // cloud-1 (eu-central) ↔ edge-1 (eu-central): cloud–edge base 32 ms, same region.
    assertThat(LatencyModel.between(c.get(0), c.get(3))).isEqualTo(32);
    // cloud-3 (us-east) ↔ edge-1 (eu-central): 32 + 85 between those regions.
    assertThat(LatencyModel.between(c.get(2), c.get(3))).isEqualTo(117).isEqualTo(LatencyModel.between(c.get(3), c.get(2)));
    assertThat(LatencyModel.between(c.get(1), c.get(1))).isZero();
    assertThat(LatencyModel.fromUsers("eu-central", c.get(3))).isEqualTo(5);
  }
}
