package io.qonnect.placement;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.Resources;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The decision: for each component (sorted by name), its member clusters and replica counts. */
public record Placement(SortedMap<String, SortedMap<ClusterId, Integer>> components) {
  public Placement {
    SortedMap<String, SortedMap<ClusterId, Integer>> copy = new TreeMap<>();
    components.forEach((k, v) -> copy.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
    components = Collections.unmodifiableSortedMap(copy);
  }

  public SortedMap<ClusterId, Integer> of(String component) {
    return components.getOrDefault(component, Collections.emptySortedMap());
  }

  /** What the placement requests in each member cluster, summed over components. */
  public SortedMap<ClusterId, Resources> demand(QosSpec spec) {
    SortedMap<ClusterId, Resources> out = new TreeMap<>();
    for (ComponentSpec c : spec.components()) {
      for (Map.Entry<ClusterId, Integer> e : of(c.name()).entrySet()) {
        out.merge(e.getKey(), c.resources().times(e.getValue()), Resources::plus);
      }
    }
    return out;
  }

  /**
   * Every replica of both: per component and member cluster the larger count. What keeps serving while one
   * placement replaces another that has not run Ready yet (make-before-break over several decisions).
   */
  public Placement union(Placement other) {
    SortedMap<String, SortedMap<ClusterId, Integer>> out = new TreeMap<>();
    components.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
    other.components.forEach((k, v) -> v.forEach((c, n) -> out.computeIfAbsent(k, x -> new TreeMap<>()).merge(c, n, Math::max)));
    return new Placement(out);
  }

  /** {@link #summary()} on one line, for events and logs. */
  public String oneLine() {
    return summary().strip().replace("\n", "; ");
  }

  /** One line per component: {@code productpage: fog-1=2 edge-1=1}. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    components.forEach((component, clusters) -> {
      b.append(component).append(':');
      clusters.forEach((c, n) -> b.append(' ').append(c).append('=').append(n));
      b.append('\n');
    });
    return b.toString();
  }
}
