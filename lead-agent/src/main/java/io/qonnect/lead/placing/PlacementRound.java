package io.qonnect.lead.placing;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.placement.Placement;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One round of the placement controller's thinking, pure: given the committed applications and a cluster
 * snapshot, the placements to propose. Applications are decided one after another in name order; each sees
 * the capacity the others' placements (committed, or decided earlier in this round) leave free.
 */
public final class PlacementRound {
  private final PlacementEngine engine;
  private final Function<ApplicationRecord, Parsed<QosSpec>> specs;

  /** @param specs parses an application's stored spec (callers may cache by name and spec revision) */
  public PlacementRound(PlacementEngine engine, Function<ApplicationRecord, Parsed<QosSpec>> specs) {
    this.engine = engine;
    this.specs = specs;
  }

  /**
   * @param applications every application in the replicated state, sorted by name
   * @param retryUnschedulable also re-decide applications that were unschedulable (the snapshot changed)
   */
  public List<CommitPlacement> decide(List<ApplicationRecord> applications, long clusterSetRevision, ClusterSnapshot snapshot,
      boolean retryUnschedulable) {
    Map<String, Map<ClusterId, Resources>> demand = new HashMap<>();
    Map<ClusterId, Resources> total = new TreeMap<>();
    for (ApplicationRecord app : applications) {
      if (app.placement() == null || !(specs.apply(app) instanceof Parsed.Valid<QosSpec> v)) continue;
      Map<ClusterId, Resources> d = app.placement().demand(v.value());
      demand.put(app.name(), d);
      d.forEach((c, r) -> total.merge(c, r, Resources::plus));
    }
    List<CommitPlacement> decisions = new ArrayList<>();
    for (ApplicationRecord app : applications) {
      boolean due = app.needsPlacement(clusterSetRevision) || (retryUnschedulable && app.unschedulable());
      if (!due) continue;
      Map<ClusterId, Resources> own = demand.getOrDefault(app.name(), Map.of());
      own.forEach((c, r) -> total.merge(c, r, Resources::minusClamped));
      CommitPlacement decision = switch (specs.apply(app)) {
        case Parsed.Invalid<QosSpec> invalid -> new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, null, "",
            app.name() + ": unschedulable: the stored spec no longer validates: " + invalid.violations().getFirst().message());
        case Parsed.Valid<QosSpec> valid -> decide(app, valid.value(), clusterSetRevision, snapshot.reserve(total));
      };
      Map<ClusterId, Resources> now = decision.placement() == null ? Map.of() : placementDemand(decision.placement(), specs.apply(app));
      now.forEach((c, r) -> total.merge(c, r, Resources::plus));
      demand.put(app.name(), now);
      decisions.add(decision);
    }
    return decisions;
  }

  private CommitPlacement decide(ApplicationRecord app, QosSpec spec, long clusterSetRevision, ClusterSnapshot free) {
    return switch (engine.place(spec, free)) {
      case PlacementOutcome.Placed p ->
          new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, p.placement(), p.explanation().render(), "");
      case PlacementOutcome.Unschedulable u ->
          new CommitPlacement(app.name(), app.specRevision(), clusterSetRevision, null, "", u.diagnosis().render());
    };
  }

  private static SortedMap<ClusterId, Resources> placementDemand(Placement placement, Parsed<QosSpec> spec) {
    return spec instanceof Parsed.Valid<QosSpec> v ? placement.demand(v.value()) : new TreeMap<>();
  }
}
