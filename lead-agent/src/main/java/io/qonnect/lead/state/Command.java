package io.qonnect.lead.state;

import io.qonnect.proto.v1.Diagnosis;
import io.qonnect.proto.v1.ApplicationSpec;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of the replicated log: intent (a spec submitted or deleted, a member cluster registered) or a
 * decision made outside the log (a placement, a health verdict). A persistent format: see raft.proto.
 */
public sealed interface Command {
  /**
   * Accept a validated QoS spec: the user's document and its canonical typed form (the form decides whether
   * anything changed). {@code expectedRevision} > 0 makes it a compare-and-set on the spec revision.
   */
  record SubmitApplication(String application, String specYaml, ApplicationSpec spec, long expectedRevision, String actor) implements Command {
    public SubmitApplication {
      Objects.requireNonNull(application);
      Objects.requireNonNull(specYaml);
      Objects.requireNonNull(spec);
      Objects.requireNonNull(actor);
    }

    /** Without a known actor (tests, and entries from before level 4). */
    public SubmitApplication(String application, String specYaml, ApplicationSpec spec, long expectedRevision) {
      this(application, specYaml, spec, expectedRevision, "");
    }
  }

  /** @param actor who asked (a certificate's identity), "" when unknown: the audit trail in the events */
  record DeleteApplication(String application, String actor) implements Command {
    public DeleteApplication(String application) {
      this(application, "");
    }
  }

  /**
   * The placement controller's decision for one application, computed against the given revisions. A
   * {@code null} placement means unschedulable, with the diagnosis saying why. {@code trigger} is what prompted
   * it (what code decides on); {@code reason} says the same for people, with the details, in events.
   */
  record CommitPlacement(String application, long basedOnSpecRevision, long basedOnClusterSetRevision,
      Placement placement, String explanation, Diagnosis diagnosis, Trigger trigger, String reason,
      SortedMap<ClusterId, Resources> room) implements Command {
    /**
     * @param room what each member cluster of the placement offers qonnect's workloads, as the deciding leader saw it
     *     (empty: unknown, nothing is checked). Apply refuses a decision that adds replicas where the committed
     *     placements would then ask more than this: decisions commit one by one, each computed from a view that may
     *     not hold the others yet, and two of them must never be promised the same cores.
     */
    public CommitPlacement {
      room = Collections.unmodifiableSortedMap(new TreeMap<>(room));
    }

    /** A decision without the room it assumed (tests of the replicated state, entries from before level 6). */
    public CommitPlacement(String application, long basedOnSpecRevision, long basedOnClusterSetRevision,
        Placement placement, String explanation, Diagnosis diagnosis, Trigger trigger, String reason) {
      this(application, basedOnSpecRevision, basedOnClusterSetRevision, placement, explanation, diagnosis, trigger, reason, Collections.emptySortedMap());
    }

    /** The same decision, stating the room it assumed. */
    public CommitPlacement withRoom(SortedMap<ClusterId, Resources> assumed) {
      return new CommitPlacement(application, basedOnSpecRevision, basedOnClusterSetRevision, placement, explanation, diagnosis, trigger, reason, assumed);
    }

    /** A decision whose trigger does not matter to the caller (tests of the replicated state); a diagnosis by its summary ("" for none). */
    public CommitPlacement(String application, long basedOnSpecRevision, long basedOnClusterSetRevision,
        Placement placement, String explanation, String diagnosisSummary, String reason) {
      this(application, basedOnSpecRevision, basedOnClusterSetRevision, placement, explanation, Diagnoses.summaryOnly(diagnosisSummary),
          Trigger.UNSPECIFIED, reason);
    }
  }

  /** What prompted a placement decision. */
  enum Trigger {
    /** An entry written before 0.2, or a caller for which it does not matter. */
    UNSPECIFIED,
    /** The first decision for an application. */
    NEW_SPEC,
    /** A new spec revision. */
    SPEC_CHANGED,
    /** An unschedulable application tried again after the observations or the member clusters changed. */
    RETRY,
    /** A member cluster of the placement failed or left. */
    FAILOVER,
    /** Drifting observations broke a hard constraint for longer than the hold. */
    CONSTRAINT,
    /** A clearly better placement for longer than the hold (hysteresis). */
    MIGRATION,
    /** The same placement re-checked against a new member cluster set: nothing moves. */
    KEPT
  }

  /** @param clusterUid the real cluster behind the name (its kube-system namespace UID), "" when not known (an inventory) */
  record RegisterCluster(ClusterId cluster, Tier tier, String region, String agentAddress, String clusterUid) implements Command {
    public RegisterCluster(ClusterId cluster, Tier tier, String region, String agentAddress) {
      this(cluster, tier, region, agentAddress, "");
    }
  }

  /** The placement at {@code placementEpoch} runs Ready everywhere: the copies of the one it replaced may go. */
  record CompleteMigration(String application, long placementEpoch) implements Command {}

  /** Every lead agent runs a version that knows the commands of {@code level}: they may be proposed from now on. */
  record SetFeatureLevel(int level) implements Command {}

  /**
   * The migration to {@code placementEpoch} has not run Ready within the bound; {@code detail} says which workloads
   * wait, where, and what Kubernetes says. Only an event: the old copies keep running.
   */
  record ReportMigrationStalled(String application, long placementEpoch, String detail) implements Command {}

  /**
   * A log entry this version does not understand (written by a newer version past the gate). Never proposed;
   * made only by the decoder, and applying it changes nothing.
   */
  record Unsupported(String what) implements Command {}

  /** The leader's health verdict; {@code basedOnClusterSetRevision} > 0 makes it a compare-and-set. */
  record SetClusterHealth(ClusterId cluster, ClusterHealth health, String reason, long basedOnClusterSetRevision) implements Command {}

  /**
   * The leader's verdicts of one health round, all judged against {@code basedOnClusterSetRevision}: committed
   * together or not at all (one command each would let only the first pass the compare-and-set).
   */
  record SetClusterHealths(java.util.List<SetClusterHealth> verdicts, long basedOnClusterSetRevision) implements Command {
    public SetClusterHealths {
      verdicts = java.util.List.copyOf(verdicts);
    }
  }

  /**
   * Changes nothing; a reader's barrier (from level 8). A reader that sees it applied — at the revision its result
   * names — sees every write acknowledged before it was proposed: it commits through a majority of the current term,
   * as those writes did, which no partition or deposed leader can fake.
   */
  record ReadBarrier() implements Command {}
}
