package io.qonnect.placement.snapshot;

import io.qonnect.placement.spec.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every member cluster and the latency matrix at one instant. Clusters are kept sorted by id, so the
 * engine's iteration order never depends on how the snapshot was assembled.
 */
public record ClusterSnapshot(List<MemberCluster> clusters, LatencyMatrix latency) {
  public ClusterSnapshot {
    List<MemberCluster> sorted = new ArrayList<>(clusters);
    sorted.sort(Comparator.comparing(MemberCluster::id));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).id().equals(sorted.get(i - 1).id())) throw new IllegalArgumentException("duplicate cluster " + sorted.get(i).id());
    }
    clusters = List.copyOf(sorted);
  }

  public Optional<MemberCluster> cluster(ClusterId id) {
    return clusters.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  public SortedMap<ClusterId, MemberCluster> byId() {
    SortedMap<ClusterId, MemberCluster> m = new TreeMap<>();
    clusters.forEach(c -> m.put(c.id(), c));
    return m;
  }

  /** The same snapshot with {@code reserved} taken out of each cluster's free capacity (other applications). */
  public ClusterSnapshot reserve(Map<ClusterId, Resources> reserved) {
    return new ClusterSnapshot(clusters.stream()
        .map(c -> c.withFree(c.free().minusClamped(reserved.getOrDefault(c.id(), Resources.ZERO))))
        .toList(), latency);
  }

  public ClusterSnapshot replace(Collection<MemberCluster> changed) {
    SortedMap<ClusterId, MemberCluster> m = byId();
    changed.forEach(c -> m.put(c.id(), c));
    return new ClusterSnapshot(List.copyOf(m.values()), latency);
  }
}
