package io.qonnect.placement.spec;

import java.util.List;
import java.util.OptionalInt;

/**
 * Hard limits: never violated by a chosen placement.
 *
 * @param maxLatencyMs along every talksTo edge (from each cluster of the caller to the nearest cluster of the
 *     callee) and from each user region to the nearest cluster of each entry component
 * @param regions the regions member clusters may be in; empty = any
 * @param userRegions where the application's users are; empty = no user-latency term
 */
public record Constraints(OptionalInt maxLatencyMs, List<String> regions, List<String> userRegions) {
  public static final Constraints NONE = new Constraints(OptionalInt.empty(), List.of(), List.of());

  public Constraints {
    regions = List.copyOf(regions);
    userRegions = List.copyOf(userRegions);
  }
}
