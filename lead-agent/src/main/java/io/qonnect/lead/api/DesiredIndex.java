package io.qonnect.lead.api;

import io.qonnect.lead.placing.ProbePlan;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The committed state of one revision arranged for the agents' feeds, built once per revision and shared by every
 * connected agent's feed: each member cluster's applications (those whose placement, or a placement a migration still
 * keeps serving, names it), in name order. Without it each of N feeds scanned every application on every revision:
 * N × applications per commit, which held the leader's CPU at 1,000 member clusters.
 */
public final class DesiredIndex {
  /**
   * @param byCluster each member cluster's applications, in name order
   * @param probes who probes whom, for the member clusters of this view (built once per cluster set)
   */
  public record View(long revision, long revisionMillis, long clusterSetRevision, Map<ClusterId, List<ApplicationRecord>> byCluster,
      List<ClusterRecord> clusters, ProbePlan probes) {
    public List<ApplicationRecord> applicationsOn(ClusterId cluster) {
      return byCluster.getOrDefault(cluster, List.of());
    }
  }

  private final StateReader state;
  private View current;

  public DesiredIndex(StateReader state) {
    this.state = state;
  }

  /** The view of the state's current revision (built by the first caller that sees the revision). */
  public synchronized View current() {
    long revision = state.read(ControlPlaneState::revision);
    if (current == null || current.revision() != revision) {
      View previous = current;
      current = state.read(s -> build(s, previous != null && previous.clusterSetRevision() == s.clusterSetRevision() ? previous.probes() : null));
    }
    return current;
  }

  /** @param probes the plan of the same cluster set, or null to make one */
  static View build(ControlPlaneState s, ProbePlan probes) {
    Map<ClusterId, List<ApplicationRecord>> byCluster = new HashMap<>();
    for (ApplicationRecord app : s.applications()) {
      Placement serving = app.serving();
      if (serving == null) continue;
      Set<ClusterId> clusters = new HashSet<>();
      serving.components().values().forEach(here -> clusters.addAll(here.keySet()));
      for (ClusterId c : clusters) byCluster.computeIfAbsent(c, k -> new ArrayList<>()).add(app);
    }
    return new View(s.revision(), s.revisionMillis(), s.clusterSetRevision(), byCluster, s.clusters(),
        probes != null ? probes : ProbePlan.of(s.clusters()));
  }
}
