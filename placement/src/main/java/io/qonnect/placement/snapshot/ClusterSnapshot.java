package io.qonnect.placement.snapshot;

import io.qonnect.placement.spec.Resources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every member cluster and the latency matrix at one instant. Immutable. Clusters are kept sorted by id, so
 * the engine's iteration order never depends on how the snapshot was assembled; the index by id is built once.
 */
public final class ClusterSnapshot {
  private final List<MemberCluster> clusters;
  private final LatencyMatrix latency;
  private final Map<ClusterId, MemberCluster> byId;

  public ClusterSnapshot(Collection<MemberCluster> clusters, LatencyMatrix latency) {
    List<MemberCluster> sorted = new ArrayList<>(clusters);
    sorted.sort(Comparator.comparing(MemberCluster::id));
    Map<ClusterId, MemberCluster> index = new LinkedHashMap<>();
    for (MemberCluster c : sorted) {
      if (index.put(c.id(), c) != null) throw new IllegalArgumentException("duplicate cluster " + c.id());
    }
    this.clusters = List.copyOf(sorted);
    this.latency = Objects.requireNonNull(latency);
    this.byId = Collections.unmodifiableMap(index);
  }

  public List<MemberCluster> clusters() {
    return clusters;
  }

  public LatencyMatrix latency() {
    return latency;
  }

  /** Clusters by id, iterated in id order. */
  public Map<ClusterId, MemberCluster> byId() {
    return byId;
  }

  public Optional<MemberCluster> cluster(ClusterId id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The same snapshot with {@code reserved} taken out of each cluster's free capacity (other applications). */
  public ClusterSnapshot reserve(Map<ClusterId, Resources> reserved) {
    return new ClusterSnapshot(clusters.stream()
        .map(c -> c.withFree(c.free().minusClamped(reserved.getOrDefault(c.id(), Resources.ZERO))))
        .toList(), latency);
  }

  /** The same snapshot with some clusters replaced (matched by id) or added. */
  public ClusterSnapshot replace(Collection<MemberCluster> changed) {
    Map<ClusterId, MemberCluster> m = new LinkedHashMap<>(byId);
    changed.forEach(c -> m.put(c.id(), c));
    return new ClusterSnapshot(m.values(), latency);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterSnapshot s && s.clusters.equals(clusters) && s.latency.equals(latency);
  }

  @Override
  public int hashCode() {
    return clusters.hashCode() * 31 + latency.hashCode();
  }

  @Override
  public String toString() {
    return "ClusterSnapshot" + byId.keySet();
  }
}
