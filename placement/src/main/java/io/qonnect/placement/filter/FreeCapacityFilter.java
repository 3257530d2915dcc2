package io.qonnect.placement.filter;

import java.util.Optional;

/**
 * Not even one replica fits in what is free. (How many replicas fit is the divider's business: capacity is
 * shared by all components, so it is accounted jointly, not here.)
 */
public final class FreeCapacityFilter implements ClusterFilter {
  @Override
  public Optional<String> reject(FilterRequest r) {
    var need = r.component().resources();
    var free = r.cluster().free();
    if (need.fitsIn(free)) return Optional.empty();
    return Optional.of("not enough free capacity: needs " + need + " per replica, " + free + " free");
  }
}
