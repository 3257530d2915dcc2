package io.qonnect.placement.filter;

import java.util.Optional;

/** A cluster judged Failed (or cordoned by the operator) takes no new replicas. */
public final class SchedulableFilter implements ClusterFilter {
  @Override
  public Optional<Refusal> reject(FilterRequest r) {
    return r.cluster().schedulable() ? Optional.empty() : Optional.of(new Refusal(Refusal.Reason.NOT_SCHEDULABLE, "cluster is not schedulable (failed or cordoned)"));
  }
}
