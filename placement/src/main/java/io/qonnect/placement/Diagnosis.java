package io.qonnect.placement;

import io.qonnect.placement.snapshot.ClusterId;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Why an application cannot be placed: a one-line summary, and for every component every member cluster's
 * reason for turning it down (filters), plus the joint problem when each component alone had candidates.
 */
public record Diagnosis(String application, String summary, List<ComponentDiagnosis> components) {
  public Diagnosis {
    components = List.copyOf(components);
  }

  public record ComponentDiagnosis(String component, SortedMap<ClusterId, String> rejected, List<ClusterId> eligible, String problem) {
    public ComponentDiagnosis {
      rejected = new TreeMap<>(rejected);
      eligible = List.copyOf(eligible);
    }
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(application).append(": unschedulable: ").append(summary).append('\n');
    for (ComponentDiagnosis c : components) {
      b.append("  ").append(c.component()).append(": ");
      b.append(c.eligible().isEmpty() ? "no eligible member cluster" : c.eligible().size() + " eligible " + c.eligible());
      if (!c.problem().isEmpty()) b.append("; ").append(c.problem());
      b.append('\n');
      c.rejected().forEach((cluster, reason) -> b.append("    ").append(cluster).append(": ").append(reason).append('\n'));
    }
    return b.toString();
  }
}
