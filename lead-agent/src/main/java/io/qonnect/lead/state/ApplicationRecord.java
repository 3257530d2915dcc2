package io.qonnect.lead.state;

import io.qonnect.proto.v1.ApplicationSpec;
import io.qonnect.proto.v1.Diagnosis;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Resources;
import io.qonnect.proto.v1.SpecComponent;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An accepted application as the lead agents agree on it.
 *
 * @param specYaml the document the user submitted, shown by {@code get -o yaml}; nothing reads it to decide
 * @param spec the canonical typed form of the accepted spec: what controllers and desired states use
 * @param specRevision the revision at which the current spec was accepted
 * @param placementEpoch how many times its placement changed; agents use it to tell current objects from superseded ones
 * @param placement the committed placement; null before the first decision (and, below feature level 3, when a changed
 *     spec cannot be placed: from level 3 the running placement stays)
 * @param previousPlacement while a migration is in flight, every placement it replaced that may still serve (make-before-break:
 *     their copies keep running until the new placement is Ready): the last one that ran Ready and each decided since,
 *     merged; null otherwise
 * @param diagnosis why the last decision found no placement; {@link Diagnoses#NONE} when it found one
 * @param placedSpecRevision / placedClusterSetRevision what the last decision was computed against (0 = none yet)
 * @param incarnation the revision that created the application: an application deleted and created again under the
 *     same name is another incarnation, and agents delete what an older incarnation left (0: created before 0.2)
 * @param migratingSinceMillis when the migration in flight was committed (the command's time); 0 when none
 */
public record ApplicationRecord(
    String name, String specYaml, ApplicationSpec spec, long specRevision, long placementEpoch, Placement placement, Placement previousPlacement,
    String explanation, Diagnosis diagnosis, long placedSpecRevision, long placedClusterSetRevision, long incarnation, long migratingSinceMillis) {

  static ApplicationRecord accepted(String name, String specYaml, ApplicationSpec spec, long revision) {
    return new ApplicationRecord(name, specYaml, spec, revision, 0, null, null, "", Diagnoses.NONE, 0, 0, revision, 0);
  }

  /** True when no decision has been made for the current spec and member cluster set. */
  public boolean needsPlacement(long clusterSetRevision) {
    return placedSpecRevision != specRevision || placedClusterSetRevision != clusterSetRevision;
  }

  /** The last decision found no placement (a kept placement may still run: see {@link #withDecision}). */
  public boolean unschedulable() {
    return placedSpecRevision > 0 && !Diagnoses.NONE.equals(diagnosis);
  }

  public boolean migrating() {
    return previousPlacement != null;
  }

  /** What runs of it: its placement and, while it migrates, every placement it replaced (per component the larger count); null: none. */
  public Placement serving() {
    if (previousPlacement == null) return placement;
    return placement == null ? previousPlacement : previousPlacement.union(placement);
  }

  /** What {@link #serving} requests in each member cluster: replicas times the spec's resources per replica. */
  public SortedMap<ClusterId, Resources> servingDemand() {
    Placement running = serving();
    SortedMap<ClusterId, Resources> out = new TreeMap<>();
    if (running == null) return out;
    for (SpecComponent c : spec.getComponentsList()) {
      Resources perReplica = new Resources(c.getResources().getCpuMillis(), c.getResources().getMemoryBytes());
      running.of(c.getName()).forEach((cluster, replicas) -> out.merge(cluster, perReplica.times(replicas), Resources::plus));
    }
    return out;
  }

  ApplicationRecord withSpec(String yaml, ApplicationSpec newSpec, long revision) {
    return new ApplicationRecord(name, yaml, newSpec, revision, placementEpoch, placement, previousPlacement, explanation, diagnosis,
        placedSpecRevision, placedClusterSetRevision, incarnation, migratingSinceMillis);
  }

  /**
   * Records a decision. No placement (clusters failed, capacity shrank, or a spec edit that cannot be placed)
   * keeps the current one running where it still can: taking it away would delete healthy copies, or the running
   * version everywhere. A changed placement starts a new epoch and remembers the one it replaces; a change while
   * a migration is in flight remembers both (neither may be Ready yet, and the older one may be the only one serving).
   *
   * @param safe the rules of feature level 3; below it (a group not yet all on 0.3) the rules of 0.2: a spec edit
   *     that cannot be placed drops the placement, and a change during a migration remembers only the last placement
   */
  ApplicationRecord withDecision(Placement newPlacement, String newExplanation, Diagnosis newDiagnosis, long specRev, long clusterSetRev, long timeMillis,
      boolean safe) {
    if (newPlacement == null && placement != null && (safe || placedSpecRevision == specRev)) {
      return new ApplicationRecord(name, specYaml, spec, specRevision, placementEpoch, placement, previousPlacement, explanation, newDiagnosis,
          specRev, clusterSetRev, incarnation, migratingSinceMillis);
    }
    if (Objects.equals(newPlacement, placement)) {
      return new ApplicationRecord(name, specYaml, spec, specRevision, placementEpoch, placement, previousPlacement, newExplanation, newDiagnosis,
          specRev, clusterSetRev, incarnation, migratingSinceMillis);
    }
    Placement serving = placement == null ? null : previousPlacement == null || !safe ? placement : previousPlacement.union(placement);
    return new ApplicationRecord(name, specYaml, spec, specRevision, placementEpoch + 1, newPlacement, serving, newExplanation, newDiagnosis,
        specRev, clusterSetRev, incarnation, placement == null ? 0 : timeMillis);
  }

  ApplicationRecord withMigrationCompleted() {
    return new ApplicationRecord(name, specYaml, spec, specRevision, placementEpoch, placement, null, explanation, diagnosis,
        placedSpecRevision, placedClusterSetRevision, incarnation, 0);
  }
}
