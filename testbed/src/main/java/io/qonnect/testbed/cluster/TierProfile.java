package io.qonnect.testbed.cluster;

import io.qonnect.placement.spec.Tier;
import java.util.List;

/**
 * What a member cluster of each tier looks like on the testbed: its nodes, their power profile, its prices,
 * and the regions its clusters are spread over. The same numbers as examples/inventory-9.yaml.
 *
 * @param cores cores per node
 * @param memoryGiB memory per node
 * @param userLatencyMs round trip from users in the cluster's own region
 */
public record TierProfile(Tier tier, int nodes, int cores, int memoryGiB, double idleWatts, double maxWatts,
    double perCoreHour, double perGiBHour, int bandwidthMbps, String storage, double userLatencyMs, List<String> regions) {

  public static final TierProfile CLOUD = new TierProfile(Tier.CLOUD, 4, 32, 128, 180, 520, 0.020, 0.0025, 10_000, "4Ti", 30,
      List.of("eu-central", "eu-west", "us-east"));
  public static final TierProfile FOG = new TierProfile(Tier.FOG, 3, 8, 32, 60, 180, 0.032, 0.0040, 2_000, "1Ti", 12,
      List.of("eu-central", "eu-central", "eu-west"));
  public static final TierProfile EDGE = new TierProfile(Tier.EDGE, 2, 4, 8, 4, 12, 0.045, 0.0060, 500, "256Gi", 5,
      List.of("eu-central", "eu-central", "eu-west"));

  public static TierProfile of(Tier tier) {
    return switch (tier) {
      case CLOUD -> CLOUD;
      case FOG -> FOG;
      case EDGE -> EDGE;
    };
  }

  /** The region of the i-th cluster (1-based) of this tier. */
  public String region(int index) {
    return regions.get((index - 1) % regions.size());
  }
}
