package io.qonnect.testbed.cluster;

import io.qonnect.placement.spec.Tier;
import java.util.Map;

/**
 * The wide-area round-trip times of the testbed's inventory between member clusters and from users: a base by tier
 * pair, plus a penalty between regions. The federation's wide-area links delay packets by these
 * ({@code federation.WanLinks}), and the agents measure them; round trips from users are declared to the agents.
 */
public final class LatencyModel {
  private static final Map<String, Double> REGION_PENALTY = Map.of(
      "eu-central|eu-west", 14.0, "eu-central|us-east", 85.0, "eu-west|us-east", 75.0);

  private LatencyModel() {}

  public static double between(MemberClusterSpec a, MemberClusterSpec b) {
    if (a.name().equals(b.name())) return 0;
    return base(a.tier(), b.tier()) + regionPenalty(a.region(), b.region());
  }

  public static double fromUsers(String userRegion, MemberClusterSpec c) {
    return c.profile().userLatencyMs() + regionPenalty(userRegion, c.region());
  }

  private static double base(Tier a, Tier b) {
    if (a == Tier.EDGE && b == Tier.EDGE) return 8;
    if (a == Tier.FOG && b == Tier.FOG) return 6;
    if (a == Tier.CLOUD && b == Tier.CLOUD) return 10;
    if (a == Tier.CLOUD || b == Tier.CLOUD) return (a == Tier.EDGE || b == Tier.EDGE) ? 32 : 24;
    return 10; // edge ↔ fog
  }

  private static double regionPenalty(String a, String b) {
    if (a.equals(b)) return 0;
    String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    return REGION_PENALTY.getOrDefault(key, 100.0);
  }
}
