package io.qonnect.placement.solve;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.Resources;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Divides a component's replicas over the clusters chosen for it: one each (that is what spreading them
 * was for), then the rest cheapest-first, each cluster up to what is free in it. When the chosen clusters
 * cannot take them all, it extends into {@code spares} (in their given order) up to {@code maxClusters}.
 * Cheapest-first is optimal for the per-replica part of the objective, which is linear in replicas.
 */
public final class ReplicaDivider {
  private ReplicaDivider() {}

  /**
   * @param chosen clusters, cheapest (lowest per-replica cost) first
   * @param spares further candidates, in preference order
   * @return replicas per cluster, or empty when they do not fit
   */
  public static Optional<SortedMap<ClusterId, Integer>> divide(int replicas, Resources each, List<MemberCluster> chosen,
      List<MemberCluster> spares, int maxClusters, Map<ClusterId, Resources> free) {
    SortedMap<ClusterId, Integer> out = new TreeMap<>();
    int left = replicas;
    for (MemberCluster x : chosen) {
      if (left == 0) break;
      if (room(x, each, free) < 1) return Optional.empty();
      out.put(x.id(), 1);
      left--;
    }
    for (MemberCluster x : chosen) {
      if (left == 0) break;
      int more = (int) Math.min(left, room(x, each, free) - out.getOrDefault(x.id(), 0));
      if (more > 0) {
        out.merge(x.id(), more, Integer::sum);
        left -= more;
      }
    }
    for (MemberCluster x : spares) {
      if (left == 0 || out.size() >= maxClusters) break;
      if (out.containsKey(x.id())) continue;
      int n = (int) Math.min(left, room(x, each, free));
      if (n > 0) {
        out.put(x.id(), n);
        left -= n;
      }
    }
    return left == 0 ? Optional.of(out) : Optional.empty();
  }

  static long room(MemberCluster x, Resources each, Map<ClusterId, Resources> free) {
    return free.getOrDefault(x.id(), Resources.ZERO).howMany(each);
  }
}
