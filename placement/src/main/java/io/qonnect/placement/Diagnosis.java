package io.qonnect.placement;

import io.qonnect.placement.filter.Refusal;
import io.qonnect.placement.snapshot.ClusterId;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Why an application cannot be placed: a one-line summary, and for every component every member cluster's
 * refusal (which filter, and its details), plus the joint problem when each component alone had candidates.
 * Data only: the CLI renders it.
 */
public record Diagnosis(String application, String summary, List<ComponentDiagnosis> components) {
  public Diagnosis {
    components = List.copyOf(components);
  }

  /** @param problem the joint problem (e.g. a latency or spread constraint) when this component had candidates; "" if none */
  public record ComponentDiagnosis(String component, SortedMap<ClusterId, Refusal> rejected, List<ClusterId> eligible, String problem) {
    public ComponentDiagnosis {
      rejected = new TreeMap<>(rejected);
      eligible = List.copyOf(eligible);
    }
  }

  /** The first line of the rendered form, for events and one-line listings: {@code APP: unschedulable: SUMMARY}. */
  public String headline() {
    return application + ": unschedulable: " + summary;
  }
}
