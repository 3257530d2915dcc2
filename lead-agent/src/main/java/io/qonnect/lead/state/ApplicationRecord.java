package io.qonnect.lead.state;

import io.qonnect.placement.Placement;

/**
 * An accepted application as the lead agents agree on it.
 *
 * @param specRevision the revision at which the current spec was accepted
 * @param placementEpoch how many times its placement changed; agents use it to tell current objects from superseded ones
 * @param placement the committed placement, or null before the first decision and while unschedulable
 * @param placedSpecRevision / placedClusterSetRevision what the last decision was computed against (0 = none yet)
 */
public record ApplicationRecord(
    String name, String specYaml, long specRevision, long placementEpoch, Placement placement,
    String explanation, String diagnosis, long placedSpecRevision, long placedClusterSetRevision) {

  static ApplicationRecord accepted(String name, String specYaml, long revision) {
    return new ApplicationRecord(name, specYaml, revision, 0, null, "", "", 0, 0);
  }

  /** True when no decision has been made for the current spec and member cluster set. */
  public boolean needsPlacement(long clusterSetRevision) {
    return placedSpecRevision != specRevision || placedClusterSetRevision != clusterSetRevision;
  }

  public boolean unschedulable() {
    return placedSpecRevision > 0 && placement == null;
  }

  ApplicationRecord withSpec(String yaml, long revision) {
    return new ApplicationRecord(name, yaml, revision, placementEpoch, placement, explanation, diagnosis, placedSpecRevision, placedClusterSetRevision);
  }

  ApplicationRecord withDecision(Placement newPlacement, String newExplanation, String newDiagnosis, long specRev, long clusterSetRev) {
    long epoch = java.util.Objects.equals(newPlacement, placement) ? placementEpoch : placementEpoch + 1;
    return new ApplicationRecord(name, specYaml, specRevision, epoch, newPlacement, newExplanation, newDiagnosis, specRev, clusterSetRev);
  }
}
