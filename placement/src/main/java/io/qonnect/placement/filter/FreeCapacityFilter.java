package io.qonnect.placement.filter;

import java.util.Optional;

/**
 * Not even one replica fits in what is free. (How many replicas fit is the divider's business: capacity is
 * shared by all components, so it is accounted jointly, not here.)
 */
public final class FreeCapacityFilter implements ClusterFilter {
  @Override
  public Optional<Refusal> reject(FilterRequest r) {
    var need = r.component().resources();
    var free = r.cluster().free();
    if (need.fitsIn(free)) return Optional.empty();
    return Optional.of(new Refusal(Refusal.Reason.FREE_CAPACITY, "not enough free capacity: needs " + need + " per replica, " + free + " free"));
  }
}
