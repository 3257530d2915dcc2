package io.qonnect.placement.filter;

import java.util.Optional;

/** {@code constraints.regions} limits every component to clusters in those regions. */
public final class RegionFilter implements ClusterFilter {
  @Override
  public Optional<Refusal> reject(FilterRequest r) {
    var regions = r.spec().constraints().regions();
    if (regions.isEmpty() || regions.contains(r.cluster().region())) return Optional.empty();
    return Optional.of(new Refusal(Refusal.Reason.REGION, "region " + r.cluster().region() + " is not allowed (regions: " + String.join(", ", regions) + ")"));
  }
}
