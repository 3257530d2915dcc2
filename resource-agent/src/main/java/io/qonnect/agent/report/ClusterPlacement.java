package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.Node;
import io.qonnect.proto.v1.Tier;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tier and region a member cluster registers with, from its nodes' labels ({@code qonnect.io/tier},
 * {@code topology.kubernetes.io/region}): the value most of the labelled nodes carry (ties: the smallest). Nodes without
 * the label do not count, so a few added without it (an autoscaler's) change nothing, and the answer does not depend on
 * the order the informer lists nodes in. Pure.
 *
 * @param tier {@link Tier#TIER_UNSPECIFIED} when no node says
 */
public record ClusterPlacement(Tier tier, String region) {
  public static final String TIER_LABEL = "qonnect.io/tier";
  public static final String REGION_LABEL = "topology.kubernetes.io/region";

  public static ClusterPlacement of(List<Node> nodes) {
    Tier tier = mostCommon(nodes, TIER_LABEL).map(ClusterPlacement::tier).orElse(Tier.TIER_UNSPECIFIED);
    return new ClusterPlacement(tier, mostCommon(nodes, REGION_LABEL).orElse("unknown"));
  }

  private static Tier tier(String label) {
    return switch (label) {
      case "cloud" -> Tier.TIER_CLOUD;
      case "fog" -> Tier.TIER_FOG;
      case "edge" -> Tier.TIER_EDGE;
      default -> Tier.TIER_UNSPECIFIED;
    };
  }

  private static Optional<String> mostCommon(List<Node> nodes, String label) {
    Map<String, Long> counts = new TreeMap<>();
    for (Node n : nodes) {
      String value = n.getMetadata().getLabels() == null ? null : n.getMetadata().getLabels().get(label);
      if (value != null && !value.isBlank()) counts.merge(value, 1L, Long::sum);
    }
    return counts.entrySet().stream().max(Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue())
        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder())).map(Map.Entry::getKey);
  }
}
