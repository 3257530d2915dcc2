package io.qonnect.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.qonnect.proto.v1.Tier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterPlacementTest {
  private static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
  }

  /** 4 labelled nodes and 50 added without labels (found by `./qonnect bench agent`: the agent never registered). */
  @Test
  void nodesWithoutTheLabelsDoNotDecideWhateverTheOrder() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) nodes.add(node("labelled-" + i, Map.of(ClusterPlacement.TIER_LABEL, "fog", ClusterPlacement.REGION_LABEL, "eu-west")));
    for (int i = 0; i < 50; i++) nodes.add(node("plain-" + i, Map.of("type", "kwok")));
    for (int seed = 0; seed < 20; seed++) {
      Collections.shuffle(nodes, new Random(seed));
      assertThat(ClusterPlacement.of(nodes)).as("seed " + seed).isEqualTo(new ClusterPlacement(Tier.TIER_FOG, "eu-west"));
    }
  }

  @Test
  void theMostCommonLabelWinsTiesGoToTheSmallest() {
    List<Node> nodes = List.of(node("a", Map.of(ClusterPlacement.TIER_LABEL, "edge", ClusterPlacement.REGION_LABEL, "us-east")),
        node("b", Map.of(ClusterPlacement.TIER_LABEL, "cloud", ClusterPlacement.REGION_LABEL, "eu-west")),
        node("c", Map.of(ClusterPlacement.TIER_LABEL, "cloud")));
    assertThat(ClusterPlacement.of(nodes)).isEqualTo(new ClusterPlacement(Tier.TIER_CLOUD, "eu-west"));
  }

  @Test
  void noLabelledNodeNoTier() {
    assertThat(ClusterPlacement.of(List.of(node("a", null)))).isEqualTo(new ClusterPlacement(Tier.TIER_UNSPECIFIED, "unknown"));
    assertThat(ClusterPlacement.of(List.of())).isEqualTo(new ClusterPlacement(Tier.TIER_UNSPECIFIED, "unknown"));
  }
}
