package io.qonnect.placement.filter;

import io.qonnect.placement.spec.Tier;
import java.util.Optional;
import java.util.stream.Collectors;

/** A component that names tiers runs only on clusters of those tiers. */
public final class TierFilter implements ClusterFilter {
  @Override
  public Optional<Refusal> reject(FilterRequest r) {
    if (r.component().allowsTier(r.cluster().tier())) return Optional.empty();
    String allowed = r.component().tiers().stream().sorted().map(Tier::yamlName).collect(Collectors.joining(", "));
    return Optional.of(new Refusal(Refusal.Reason.TIER, "tier " + r.cluster().tier().yamlName() + " is not allowed (tiers: " + allowed + ")"));
  }
}
