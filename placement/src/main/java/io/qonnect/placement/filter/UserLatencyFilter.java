package io.qonnect.placement.filter;

import java.util.OptionalDouble;
import java.util.Optional;

/**
 * An entry component (one that no other component calls) serves users. With {@code maxLatencyMs} and
 * {@code userRegions} set, a cluster farther than the limit from every user region would serve nobody
 * within budget. (That every region is covered by some chosen cluster is checked jointly by the solver.)
 */
public final class UserLatencyFilter implements ClusterFilter {
  @Override
  public Optional<Refusal> reject(FilterRequest r) {
    var limit = r.spec().constraints().maxLatencyMs();
    var regions = r.spec().constraints().userRegions();
    if (limit.isEmpty() || regions.isEmpty() || !r.entry()) return Optional.empty();
    double best = Double.POSITIVE_INFINITY;
    for (String region : regions) {
      OptionalDouble ms = r.latency().fromUsers(region, r.cluster().id());
      if (ms.isPresent()) best = Math.min(best, ms.getAsDouble());
    }
    if (best <= limit.getAsInt()) return Optional.empty();
    return Optional.of(new Refusal(Refusal.Reason.USER_LATENCY, Double.isInfinite(best)
        ? "latency from users (" + String.join(", ", regions) + ") is unknown"
        : "nearest users are " + fmt(best) + " ms away, over maxLatencyMs " + limit.getAsInt()));
  }

  static String fmt(double ms) {
    return ms == Math.rint(ms) ? Long.toString((long) ms) : String.format(java.util.Locale.ROOT, "%.1f", ms);
  }
}
