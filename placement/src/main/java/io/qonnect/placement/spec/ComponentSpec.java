package io.qonnect.placement.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One part of an application, placed as a unit: {@code replicas} copies each requesting {@code resources}.
 *
 * @param tiers allowed tiers; empty = the engine chooses among all
 * @param talksTo components this one calls (latency along these edges is constrained and scored)
 * @param singleton never runs twice, even briefly during failover: exactly one replica in one cluster
 * @param priority higher is placed first when clusters are scarce
 * @param image the shorthand form; exactly one of image and manifests is present
 * @param manifests full Kubernetes objects (plain maps, as written)
 */
public record ComponentSpec(
    String name,
    Set<Tier> tiers,
    int replicas,
    Resources resources,
    List<String> talksTo,
    boolean singleton,
    int priority,
    Optional<ImageSpec> image,
    List<Map<String, Object>> manifests) {
  public ComponentSpec {
    tiers = tiers.isEmpty() ? Set.of() : Set.copyOf(tiers);
    talksTo = List.copyOf(talksTo);
    manifests = List.copyOf(manifests);
  }

  public boolean allowsTier(Tier tier) {
    return tiers.isEmpty() || tiers.contains(tier);
  }
}
