package io.qonnect.placement.filter;

import java.util.List;
import java.util.Optional;

/**
 * A hard rule about one component on one member cluster, independent of where other components go.
 * Contract: pure, deterministic, fast (called components × clusters times per placement).
 */
public interface ClusterFilter {
  /** Empty when the cluster may host the component; otherwise why not: the rule, and details phrased for the user. */
  Optional<Refusal> reject(FilterRequest request);

  /** The filters every placement runs, cheapest first. */
  static List<ClusterFilter> all() {
    return List.of(new SchedulableFilter(), new TierFilter(), new RegionFilter(), new NodeFitFilter(),
        new FreeCapacityFilter(), new UserLatencyFilter());
  }
}
