package io.qonnect.placement;

import io.qonnect.placement.filter.Refusal;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.solve.Objective;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Tier;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Why the placement is what it is: the objective and its parts, and for each component where it went, what
 * a replica costs there, the best clusters it did not take and every cluster the filters turned down.
 */
public record Explanation(
    String application, String strategy, QosWeights weights, Objective.Breakdown objective,
    List<ComponentChoice> components, List<String> notes) {

  public Explanation {
    components = List.copyOf(components);
    notes = List.copyOf(notes);
  }

  public record ComponentChoice(String component, int spread, List<Share> clusters, List<Alternative> alternatives,
      SortedMap<ClusterId, Refusal> rejected) {
    public ComponentChoice {
      clusters = List.copyOf(clusters);
      alternatives = List.copyOf(alternatives);
      rejected = new TreeMap<>(rejected);
    }
  }

  /** Replicas on one cluster and what each costs there. */
  public record Share(ClusterId cluster, Tier tier, int replicas, double wattsPerReplica, double costPerReplicaHour, double utilisation) {}

  /**
   * An eligible cluster not chosen: what moving one replica there (from the chosen cluster it suits least)
   * would do: change the objective by {@code extraPercent}, or break a hard constraint ({@code blocker}).
   */
  public record Alternative(ClusterId cluster, double extraPercent, String blocker) {
    public String describe() {
      return blocker.isEmpty() ? String.format(Locale.ROOT, "%s (%+.1f%%)", cluster, extraPercent) : cluster + " (would break: " + blocker + ")";
    }
  }

  public String render() {
    QosWeights w = weights.normalised();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s: placed by %s, objective %.4f (0 best, 1 worst)%n", application, strategy, objective.value()));
    b.append(String.format(Locale.ROOT, "  = %.2f×energy %.3f + %.2f×cost %.3f + %.2f×performance %.3f%n",
        w.energy(), objective.energy(), w.cost(), objective.cost(), w.performance(), objective.performance()));
    b.append(String.format(Locale.ROOT, "  totals: %.1f W, %.4f cost/h", objective.watts(), objective.costPerHour()));
    if (objective.hasLatencyTerms()) b.append(String.format(Locale.ROOT, ", mean latency %.1f ms", objective.meanLatencyMs()));
    b.append(String.format(Locale.ROOT, ", mean utilisation of chosen clusters %.0f%%%n", objective.headroom() * 100));
    for (ComponentChoice c : components) {
      b.append("  ").append(c.component()).append(" (spread over ≥").append(c.spread()).append(")\n");
      for (Share s : c.clusters()) {
        b.append(String.format(Locale.ROOT, "    → %-12s %-5s %3d × (%.2f W, %.5f/h)  utilisation %.0f%%%n",
            s.cluster(), s.tier().yamlName(), s.replicas(), s.wattsPerReplica(), s.costPerReplicaHour(), s.utilisation() * 100));
      }
      if (!c.alternatives().isEmpty()) {
        b.append("      instead (one replica moved): ");
        b.append(String.join(", ", c.alternatives().stream().map(Alternative::describe).toList()));
        b.append('\n');
      }
      c.rejected().forEach((cluster, refusal) -> b.append("      ✗ ").append(cluster).append(": ").append(refusal.text()).append('\n'));
    }
    notes.forEach(n -> b.append("  note: ").append(n).append('\n'));
    return b.toString();
  }
}
