package io.qonnect.placement.spec;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated application description: what to run and what matters. Built by {@link QosSpecParser}.
 * {@code podSecurity} is empty only for a spec stored before specs had one: the member clusters' agents choose.
 */
public record QosSpec(
    String name,
    SortedMap<String, String> labels,
    QosWeights weights,
    Constraints constraints,
    FailoverPolicy failover,
    List<ComponentSpec> components,
    Format format,
    Optional<PodSecurity> podSecurity) {

  /** Which dialect the user wrote: ours, or the reference system's descriptor. */
  public enum Format {
    QONNECT_V1,
    REFERENCE
  }

  public QosSpec {
    labels = new TreeMap<>(labels);
    components = List.copyOf(components);
  }

  /** A spec at the default Pod Security level, {@link PodSecurity#RESTRICTED}. */
  public QosSpec(String name, SortedMap<String, String> labels, QosWeights weights, Constraints constraints, FailoverPolicy failover,
      List<ComponentSpec> components, Format format) {
    this(name, labels, weights, constraints, failover, components, format, Optional.of(PodSecurity.RESTRICTED));
  }

  public Optional<ComponentSpec> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Components no other component talks to: where the users come in. */
  public List<ComponentSpec> entryComponents() {
    return components.stream()
        .filter(c -> components.stream().noneMatch(o -> o.talksTo().contains(c.name())))
        .toList();
  }

  /** Clusters each component must span: min(minClusters, replicas), and exactly 1 for a singleton. */
  public int spreadOf(ComponentSpec c) {
    return c.singleton() ? 1 : Math.max(1, Math.min(failover.minClusters(), c.replicas()));
  }
}
