package io.qonnect.lead.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.CommandResult.Rejection;

import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.lead.state.Command.CompleteMigration;
import io.qonnect.lead.state.Command.DeleteApplication;
import io.qonnect.lead.state.Command.RegisterCluster;
import io.qonnect.lead.state.Command.SetClusterHealth;
import io.qonnect.lead.state.Command.SubmitApplication;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ControlPlaneStateTest {

  /** A submission whose canonical form stands for {@code text}: equal texts, equal forms. */
  static Command.SubmitApplication submit(String application, String text, long expectedRevision) {
    return new Command.SubmitApplication(application, text, io.qonnect.proto.v1.ApplicationSpec.newBuilder().setName(application)
        .addLabels(io.qonnect.proto.v1.SpecLabel.newBuilder().setKey("text").setValue(text)).build(), expectedRevision);
  }
  private final ControlPlaneState state = new ControlPlaneState();
  private long index;

  /** The kind of a rejection; fails on an accepted result. */
  static Rejection kind(CommandResult result) {
    assertThat(result).isInstanceOf(CommandResult.Rejected.class);
    return ((CommandResult.Rejected) result).kind();
  }

  private CommandResult apply(Command c) {
    return state.apply(++index, 1000 + index, c);
  }

  /**
   * The ghost write the linearizability drill found (isolate-lead): a caller's apply stuck on a leader cut off from the
   * others, retried by the caller at another lead agent (acknowledged), then newer writes, then the stuck proposal
   * arriving once the cut heals. From level 5 it is stale; below, it would land over the newer write.
   */
  @Test
  void aWriteWhoseCallerStoppedWaitingCannotLandAfterNewerWrites() {
    for (int level : new int[] {FeatureLevels.BOUND_CLUSTERS, FeatureLevels.EXPIRING_WRITES}) {
      ControlPlaneState s = new ControlPlaneState();
      long i = 0;
      s.apply(++i, 1, 1_000, 0, new Command.SetFeatureLevel(level));
      // proposed at 2 000 by a caller waiting until 8 000; retried elsewhere and committed there at once
      s.apply(++i, 2, 8_100, 0, 14_100, submit("shop", "v113", 0));
      s.apply(++i, 2, 9_000, 0, 15_000, submit("shop", "v122", 0)); // another caller's newer write, acknowledged
      CommandResult ghost = s.apply(++i, 2, 2_000, 0, 8_000, submit("shop", "v113", 0)); // the first proposal, late
      if (level >= FeatureLevels.EXPIRING_WRITES) {
        assertThat(kind(ghost)).isEqualTo(Rejection.STALE);
        assertThat(s.application("shop").orElseThrow().spec().getLabels(0).getValue()).as("the newer write stands").isEqualTo("v122");
      } else {
        assertThat(s.application("shop").orElseThrow().spec().getLabels(0).getValue()).as("level 4: as before").isEqualTo("v113");
      }
    }
    // within its caller's deadline a write applies, however late other clocks run
    ControlPlaneState s = new ControlPlaneState();
    s.apply(1, 1, 1_000, 0, new Command.SetFeatureLevel(FeatureLevels.EXPIRING_WRITES));
    s.apply(2, 1, 5_000, 0, 11_000, submit("shop", "a", 0));
    assertThat(s.apply(3, 1, 4_000, 0, 10_000, submit("shop", "b", 0))).isInstanceOf(CommandResult.Accepted.class);
  }

  /**
   * The duplicate IsolatedLeaderIT found: a client's apply of w0-44 was applied, its answer did not arrive before the
   * attempt's deadline, another client deleted the application, and the retry (at another lead agent) created it again.
   * From level 9 a retry is answered with what its request's first entry did; below, it applies again, as before.
   */
  @Test
  void aRetriedWriteIsAnsweredWithWhatItsFirstEntryDidNotAppliedAgain() {
    for (int level : new int[] {FeatureLevels.READ_BARRIERS, FeatureLevels.IDEMPOTENT_WRITES}) {
      ControlPlaneState s = new ControlPlaneState();
      s.apply(1, 1, 1_000, 0, new Command.SetFeatureLevel(level));
      CommandResult first = s.apply(2, 1, 2_000, 0, 8_000, "alice r-1", submit("lin-0", "w0-44", 0));
      assertThat(first).isEqualTo(CommandResult.changed(2));
      s.apply(3, 1, 2_500, 0, 8_500, "bob r-9", new DeleteApplication("lin-0"));
      CommandResult retry = s.apply(4, 1, 8_100, 0, 14_100, "alice r-1", submit("lin-0", "w0-44", 0));
      if (level >= FeatureLevels.IDEMPOTENT_WRITES) {
        assertThat(retry).as("the first entry's answer").isEqualTo(first);
        assertThat(s.application("lin-0")).as("the delete after it stands").isEmpty();
        assertThat(s.revision()).isEqualTo(3);
      } else {
        assertThat(s.application("lin-0")).as("level 8: applied again, as before").isPresent();
      }
    }
  }

  @Test
  void aRequestIdNamesOneWriteOfOneCallerAndOnlyAnAcceptedOne() {
    ControlPlaneState s = new ControlPlaneState();
    long i = 0;
    s.apply(++i, 1, 1_000, 0, new Command.SetFeatureLevel(FeatureLevels.IDEMPOTENT_WRITES));
    s.apply(++i, 1, 2_000, 0, 0, "alice r-1", submit("shop", "a", 0));
    assertThat(kind(s.apply(++i, 1, 2_100, 0, 0, "alice r-1", submit("ledger", "a", 0)))).as("the id of another write").isEqualTo(Rejection.INVALID);
    assertThat(s.application("ledger")).isEmpty();
    assertThat(s.apply(++i, 1, 2_200, 0, 0, "bob r-1", submit("ledger", "a", 0))).as("another caller's request of that id").isInstanceOf(CommandResult.Accepted.class);
    // a rejected entry is not remembered: its caller's retry applies when it can (here: the compare-and-set now holds)
    assertThat(kind(s.apply(++i, 1, 2_300, 0, 0, "alice r-2", submit("shop", "b", 7)))).isEqualTo(Rejection.STALE);
    assertThat(kind(s.apply(++i, 1, 2_400, 0, 0, "alice r-3", new DeleteApplication("cart")))).isEqualTo(Rejection.NOT_FOUND);
    s.apply(++i, 1, 2_500, 0, 0, "", submit("cart", "a", 0));
    assertThat(s.apply(++i, 1, 2_600, 0, 0, "alice r-3", new DeleteApplication("cart"))).isInstanceOf(CommandResult.Accepted.class);
    assertThat(s.application("cart")).isEmpty();
    assertThat(s.rememberedWrites()).extracting(RememberedWrite::requestId).containsExactly("alice r-1", "bob r-1", "alice r-3");
  }

  @Test
  void requestsAreForgottenTenMinutesAfterTheyWereProposedOrPastTheCap() {
    ControlPlaneState s = new ControlPlaneState();
    long i = 0;
    s.apply(++i, 1, 1_000, 0, new Command.SetFeatureLevel(FeatureLevels.IDEMPOTENT_WRITES));
    s.apply(++i, 1, 2_000, 0, 0, "alice r-1", submit("shop", "a", 0));
    s.apply(++i, 1, 2_000 + ControlPlaneState.REMEMBER_REQUESTS_MILLIS, 0, 0, "alice r-2", submit("shop", "b", 0));
    assertThat(s.rememberedWrites()).extracting(RememberedWrite::requestId).as("exactly ten minutes: kept").containsExactly("alice r-1", "alice r-2");
    s.apply(++i, 1, 2_001 + ControlPlaneState.REMEMBER_REQUESTS_MILLIS, 0, 0, "alice r-3", submit("shop", "c", 0));
    assertThat(s.rememberedWrites()).extracting(RememberedWrite::requestId).containsExactly("alice r-2", "alice r-3");
    for (int n = 0; n < ControlPlaneState.MAX_REMEMBERED_REQUESTS + 5; n++) {
      s.apply(++i, 1, 700_000, 0, 0, "bob " + n, new DeleteApplication("none")); // rejected: not remembered
      s.apply(++i, 1, 700_000, 0, 0, "carol " + n, submit("app-" + (n % 7), "v" + n, 0));
    }
    assertThat(s.rememberedWrites()).hasSize(ControlPlaneState.MAX_REMEMBERED_REQUESTS);
    assertThat(s.rememberedWrites().getFirst().requestId()).as("the oldest forgotten first").isEqualTo("carol 5");
  }

  static Placement placement(String component, String cluster, int replicas) {
    SortedMap<ClusterId, Integer> clusters = new TreeMap<>();
    clusters.put(ClusterId.of(cluster), replicas);
    SortedMap<String, SortedMap<ClusterId, Integer>> components = new TreeMap<>();
    components.put(component, clusters);
    return new Placement(components);
  }

  private void register(String cluster) {
    apply(new RegisterCluster(ClusterId.of(cluster), Tier.CLOUD, "eu", ""));
  }

  @Test
  void submittingCreatesThenLeavesAnIdenticalSpecUnchangedThenReconfigures() {
    assertThat(apply(submit("shop", "a", 0))).isEqualTo(CommandResult.changed(1));
    assertThat(apply(submit("shop", "a", 0))).isEqualTo(CommandResult.unchanged(1));
    assertThat(apply(submit("shop", "b", 0))).isEqualTo(CommandResult.changed(2));
    assertThat(state.application("shop").orElseThrow().specRevision()).isEqualTo(2);
    assertThat(state.events()).extracting(EventRecord::kind).containsExactly(EventKind.APPLICATION_CREATED, EventKind.APPLICATION_CONFIGURED);
  }

  @Test
  void anExpectedRevisionIsACompareAndSet() {
    apply(submit("shop", "a", 0));
    assertThat(kind(apply(submit("shop", "b", 7)))).isEqualTo(Rejection.STALE);
    assertThat(apply(submit("shop", "b", 1))).isEqualTo(CommandResult.changed(2));
    assertThat(state.application("shop").orElseThrow().specYaml()).isEqualTo("b");
  }

  @Test
  void badNamesAndUnknownApplicationsAreRejectedAsValuesNotExceptions() {
    assertThat(kind(apply(submit("Not_A_Name", "a", 0)))).isEqualTo(Rejection.INVALID);
    assertThat(apply(new DeleteApplication("ghost"))).isEqualTo(CommandResult.rejected(Rejection.NOT_FOUND, "application ghost"));
    assertThat(kind(apply(new CommitPlacement("ghost", 1, 0, null, "", "x", "")))).isEqualTo(Rejection.NOT_FOUND);
    assertThat(kind(apply(new SetClusterHealth(ClusterId.of("nowhere"), ClusterHealth.FAILED, "x", 0)))).isEqualTo(Rejection.NOT_FOUND);
    assertThat(state.revision()).isZero();
  }

  @Test
  void aPlacementComputedAgainstAnOlderSpecOrClusterSetIsStale() {
    register("cloud-1");                                           // revision 1, cluster set 1
    apply(submit("shop", "a", 0));                  // revision 2
    CommitPlacement decision = new CommitPlacement("shop", 2, 1, placement("web", "cloud-1", 2), "why", "", "");
    apply(submit("shop", "b", 0));                  // revision 3: the spec moved on
    assertThat(kind(apply(decision))).isEqualTo(Rejection.STALE);

    register("cloud-2");                                           // revision 4, cluster set 2
    assertThat(kind(apply(new CommitPlacement("shop", 3, 1, placement("web", "cloud-1", 2), "", "", "")))).isEqualTo(Rejection.STALE);
    assertThat(apply(new CommitPlacement("shop", 3, 2, placement("web", "cloud-1", 2), "", "", ""))).isInstanceOf(CommandResult.Accepted.class);
    ApplicationRecord shop = state.application("shop").orElseThrow();
    assertThat(shop.placementEpoch()).isEqualTo(1);
    assertThat(shop.needsPlacement(state.clusterSetRevision())).isFalse();
  }

  @Test
  void theEpochMovesOnlyWhenThePlacementChanges() {
    register("cloud-1");
    register("cloud-2");
    apply(submit("shop", "a", 0));
    long spec = state.application("shop").orElseThrow().specRevision();
    apply(new CommitPlacement("shop", spec, 2, placement("web", "cloud-1", 2), "", "", ""));
    apply(new CommitPlacement("shop", spec, 2, placement("web", "cloud-1", 2), "", "", ""));
    assertThat(state.application("shop").orElseThrow().placementEpoch()).isEqualTo(1);
    apply(new CommitPlacement("shop", spec, 2, placement("web", "cloud-2", 2), "", "", ""));
    assertThat(state.application("shop").orElseThrow().placementEpoch()).isEqualTo(2);
    assertThat(state.events()).extracting(EventRecord::kind).containsSubsequence(EventKind.PLACEMENT_COMMITTED, EventKind.PLACEMENT_COMMITTED);
  }

  @Test
  void aPlacementMayOnlyNameRegisteredHealthyClusters() {
    register("cloud-1");
    apply(submit("shop", "a", 0));
    assertThat(kind(apply(new CommitPlacement("shop", 2, 1, placement("web", "edge-9", 1), "", "", "")))).isEqualTo(Rejection.INVALID);
    apply(new SetClusterHealth(ClusterId.of("cloud-1"), ClusterHealth.FAILED, "agent silent", 0));
    assertThat(kind(apply(new CommitPlacement("shop", 2, 2, placement("web", "cloud-1", 1), "", "", "")))).isEqualTo(Rejection.CONFLICT);
  }

  @Test
  void anUnschedulableDecisionIsRecordedWithItsDiagnosis() {
    apply(submit("shop", "a", 0));
    apply(new CommitPlacement("shop", 1, 0, null, "", "no member cluster", ""));
    ApplicationRecord shop = state.application("shop").orElseThrow();
    assertThat(shop.unschedulable()).isTrue();
    assertThat(state.events().getLast().message()).isEqualTo("shop: unschedulable: no member cluster");
  }

  @Test
  void healthVerdictsChangeTheClusterSetOnlyWhenTheyChange() {
    register("fog-1");
    long before = state.clusterSetRevision();
    assertThat(apply(new SetClusterHealth(ClusterId.of("fog-1"), ClusterHealth.HEALTHY, "fine", 0))).isEqualTo(CommandResult.unchanged(1));
    apply(new SetClusterHealth(ClusterId.of("fog-1"), ClusterHealth.SUSPECT, "agent silent 2 s", before));
    assertThat(state.clusterSetRevision()).isEqualTo(before + 1);
    assertThat(kind(apply(new SetClusterHealth(ClusterId.of("fog-1"), ClusterHealth.FAILED, "stale verdict", before)))).isEqualTo(Rejection.STALE);
    register("fog-1"); // same registration again: nothing changes
    assertThat(state.clusterSetRevision()).isEqualTo(before + 1);
  }

  @Test
  void aChangedPlacementRemembersItsPredecessorUntilTheMigrationCompletes() {
    register("cloud-1");
    register("cloud-2");
    apply(submit("shop", "a", 0));
    long spec = state.application("shop").orElseThrow().specRevision();
    apply(new CommitPlacement("shop", spec, 2, placement("web", "cloud-1", 2), "", "", "new spec"));
    assertThat(state.application("shop").orElseThrow().migrating()).as("a first placement replaces nothing").isFalse();
    apply(new CommitPlacement("shop", spec, 2, placement("web", "cloud-2", 2), "", "", "migration: 20% better"));
    ApplicationRecord moving = state.application("shop").orElseThrow();
    assertThat(moving.previousPlacement()).isEqualTo(placement("web", "cloud-1", 2));
    assertThat(state.events().getLast().message()).startsWith("epoch 2 (migration: 20% better)");

    assertThat(kind(apply(new CompleteMigration("shop", 1)))).as("stale epoch").isEqualTo(Rejection.STALE);
    assertThat(apply(new CompleteMigration("shop", 2))).isInstanceOf(CommandResult.Accepted.class);
    assertThat(state.application("shop").orElseThrow().migrating()).isFalse();
    assertThat(state.events().getLast().kind()).isEqualTo(EventKind.MIGRATION_COMPLETED);
    assertThat(kind(apply(new CompleteMigration("shop", 2)))).as("only once").isEqualTo(Rejection.STALE);
  }

  @Test
  void aSuspectClusterKeepsWhatItRunsButGetsNothingNew() {
    register("cloud-1");
    register("cloud-2");
    apply(submit("shop", "a", 0));
    apply(new CommitPlacement("shop", 3, 2, placement("web", "cloud-1", 2), "", "", ""));
    apply(new SetClusterHealth(ClusterId.of("cloud-1"), ClusterHealth.SUSPECT, "agent silent", 0));
    apply(new SetClusterHealth(ClusterId.of("cloud-2"), ClusterHealth.SUSPECT, "agent silent", 0));
    long set = state.clusterSetRevision();
    assertThat(apply(new CommitPlacement("shop", 3, set, placement("web", "cloud-1", 2), "", "", "kept"))).isInstanceOf(CommandResult.Accepted.class);
    assertThat(kind(apply(new CommitPlacement("shop", 3, set, placement("web", "cloud-2", 2), "", "", "")))).isEqualTo(Rejection.CONFLICT);
  }

  @Test
  void noPlacementForAnUnchangedSpecKeepsTheCurrentOneRunning() {
    register("cloud-1");
    apply(submit("shop", "a", 0));
    apply(new CommitPlacement("shop", 2, 1, placement("web", "cloud-1", 2), "", "", ""));
    apply(new SetClusterHealth(ClusterId.of("cloud-1"), ClusterHealth.FAILED, "cluster down", 0));
    apply(new CommitPlacement("shop", 2, 2, null, "", "no member cluster can take web", "failover"));
    ApplicationRecord shop = state.application("shop").orElseThrow();
    assertThat(shop.unschedulable()).isTrue();
    assertThat(shop.placement()).as("deleting healthy copies would not help").isEqualTo(placement("web", "cloud-1", 2));
    assertThat(shop.placementEpoch()).isEqualTo(1);
    assertThat(state.events().getLast().message()).endsWith("(the current placement keeps running)");

  }

  @Test
  void belowLevel3TheRulesOf02StandSoMixedVersionReplicasAgree() {
    register("cloud-1");
    apply(submit("shop", "a", 0));
    apply(new CommitPlacement("shop", 2, 1, placement("web", "cloud-1", 2), "", "", ""));
    apply(submit("shop", "b", 0));
    var stale = new CommitPlacement("shop", state.application("shop").orElseThrow().specRevision(), 1, null, "", "no cluster", "spec changed");
    assertThat(state.apply(++index, 5, 1000, 4, stale)).as("no term rule below level 3").isInstanceOf(CommandResult.Accepted.class);
    assertThat(state.application("shop").orElseThrow().placement()).as("0.2: a changed spec that cannot be placed drops it").isNull();
  }

  @Test
  void fromLevel4AMemberClustersNameIsBoundToTheRealClusterThatFirstRegisteredIt() {
    apply(new Command.SetFeatureLevel(FeatureLevels.BOUND_CLUSTERS));
    ClusterId edge = ClusterId.of("edge-1");
    assertThat(apply(new RegisterCluster(edge, Tier.EDGE, "eu", "10.0.0.1:7070", "uid-a"))).isInstanceOf(CommandResult.Accepted.class);
    long revision = state.revision();
    // a second Kubernetes cluster deployed under the same name (the default name, a copied manifest)
    CommandResult other = apply(new RegisterCluster(edge, Tier.EDGE, "eu", "10.9.9.9:7070", "uid-b"));
    assertThat(kind(other)).isEqualTo(Rejection.CONFLICT);
    assertThat(((CommandResult.Rejected) other).reason()).contains("uid-a").contains("uid-b");
    assertThat(state.revision()).as("nothing changed").isEqualTo(revision);
    assertThat(state.clusters()).singleElement().satisfies(c -> assertThat(c.agentAddress()).isEqualTo("10.0.0.1:7070"));
    // the same cluster again, or a registration without a UID (an inventory), keeps the binding
    assertThat(apply(new RegisterCluster(edge, Tier.EDGE, "eu", "10.0.0.1:7070", "uid-a"))).isEqualTo(CommandResult.unchanged(revision));
    assertThat(apply(new RegisterCluster(edge, Tier.EDGE, "eu", "10.0.0.1:7070", ""))).isEqualTo(CommandResult.unchanged(revision));
    assertThat(state.clusters().getFirst().clusterUid()).isEqualTo("uid-a");
  }

  @Test
  void fromLevel4AnApplicationsEventsNameWhoAskedBelowItNothingChanges() {
    apply(submit("old", "a", 0));
    apply(new DeleteApplication("old", "spiffe://qonnect/user/alice"));
    apply(new RegisterCluster(ClusterId.of("edge-1"), Tier.EDGE, "eu", "", "uid-a"));
    assertThat(apply(new RegisterCluster(ClusterId.of("edge-1"), Tier.EDGE, "eu", "", "uid-b"))).as("no binding below level 4")
        .isInstanceOf(CommandResult.Accepted.class);
    assertThat(state.clusters().getFirst().clusterUid()).as("0.3 stores no UID").isEmpty();
    apply(new Command.SetFeatureLevel(FeatureLevels.BOUND_CLUSTERS));
    apply(new Command.SubmitApplication("shop", "a", submit("shop", "a", 0).spec(), 0, "spiffe://qonnect/user/alice"));
    apply(new DeleteApplication("shop", "spiffe://qonnect/user/bob"));
    assertThat(state.events()).extracting(EventRecord::message)
        .contains("deleted", "spec revision 5 by spiffe://qonnect/user/alice", "deleted by spiffe://qonnect/user/bob");
  }

  @Test
  void aSpecUpdateThatCannotBePlacedKeepsTheRunningVersion() {
    apply(new Command.SetFeatureLevel(FeatureLevels.SAFE_DECISIONS));
    register("cloud-1");
    apply(submit("shop", "a", 0));
    apply(new CommitPlacement("shop", state.application("shop").orElseThrow().specRevision(), state.clusterSetRevision(),
        placement("web", "cloud-1", 2), "", "", ""));
    apply(submit("shop", "b", 0));
    apply(new CommitPlacement("shop", state.application("shop").orElseThrow().specRevision(), state.clusterSetRevision(), null, "", "no cluster",
        "spec changed"));
    ApplicationRecord shop = state.application("shop").orElseThrow();
    assertThat(shop.placement()).as("dropping it would delete the running version everywhere").isEqualTo(placement("web", "cloud-1", 2));
    assertThat(shop.unschedulable()).isTrue();
  }

  @Test
  void aSecondDecisionDuringAMigrationKeepsEveryPlacementThatStillServes() {
    apply(new Command.SetFeatureLevel(FeatureLevels.SAFE_DECISIONS));
    register("a");
    register("b");
    register("c");
    apply(submit("shop", "x", 0));
    long spec = state.application("shop").orElseThrow().specRevision();
    long set = state.clusterSetRevision();
    apply(new CommitPlacement("shop", spec, set, placement("web", "a", 2), "", "", "new spec"));
    apply(new CommitPlacement("shop", spec, set, placement("web", "b", 2), "", "", "migration")); // A -> B in flight
    apply(new CommitPlacement("shop", spec, set, placement("web", "c", 2), "", "", "failover")); // B -> C before B was Ready
    ApplicationRecord shop = state.application("shop").orElseThrow();
    assertThat(shop.placement()).isEqualTo(placement("web", "c", 2));
    assertThat(shop.previousPlacement().of("web")).as("A's Ready copies serve until C is Ready; B's may be further along")
        .containsOnlyKeys(ClusterId.of("a"), ClusterId.of("b"));
    apply(new CompleteMigration("shop", shop.placementEpoch()));
    assertThat(state.application("shop").orElseThrow().previousPlacement()).isNull();
  }

  @Test
  void aDecisionOfADeposedLeaderIsRejectedIntentIsNot() {
    apply(new Command.SetFeatureLevel(FeatureLevels.SAFE_DECISIONS));
    register("cloud-1");
    apply(submit("shop", "a", 0));
    var decision = new CommitPlacement("shop", state.application("shop").orElseThrow().specRevision(), state.clusterSetRevision(),
        placement("web", "cloud-1", 2), "", "", "new spec");
    assertThat(kind(state.apply(++index, 5, 1000, 4, decision))).as("decided in term 4, appended in term 5").isEqualTo(Rejection.STALE);
    assertThat(kind(state.apply(++index, 5, 1000, 4, new SetClusterHealth(ClusterId.of("cloud-1"), ClusterHealth.FAILED, "silent", 0))))
        .isEqualTo(Rejection.STALE);
    assertThat(state.apply(++index, 5, 1000, 5, decision)).isInstanceOf(CommandResult.Accepted.class);
    assertThat(state.apply(++index, 6, 1000, 0, submit("shop", "b", 0))).as("a user's intent carries no term").isInstanceOf(CommandResult.Accepted.class);
  }

  /**
   * Seed 118526: two migrations decided one round apart, the second from a replica that had not applied the first,
   * both onto the cluster with the most room. Each fits alone; together they ask 2250m of 1900m. From level 6 the
   * second is refused by the room it states; a decision that adds nothing is never refused, whatever the room.
   */
  @Test
  void aDecisionThatWouldOverCommitTheRoomItAssumedIsRejected() {
    for (int level : new int[] {FeatureLevels.EXPIRING_WRITES, FeatureLevels.CHECKED_CAPACITY}) {
      ControlPlaneState s = new ControlPlaneState();
      long[] i = {0};
      java.util.function.Function<Command, CommandResult> at = c -> s.apply(++i[0], 1, 1_000, 0, c);
      at.apply(new Command.SetFeatureLevel(level));
      for (String c : new String[] {"c0", "c1"}) at.apply(new RegisterCluster(ClusterId.of(c), Tier.CLOUD, "eu", "x"));
      at.apply(sized("ledger", 400));
      at.apply(sized("shop", 500));
      SortedMap<ClusterId, io.qonnect.placement.spec.Resources> room = new TreeMap<>(java.util.Map.of(ClusterId.of("c0"),
          new io.qonnect.placement.spec.Resources(1900, 8L << 30), ClusterId.of("c1"), new io.qonnect.placement.spec.Resources(1900, 8L << 30)));
      java.util.function.BiFunction<String, Placement, CommitPlacement> decide = (app, p) -> new CommitPlacement(app,
          s.application(app).orElseThrow().specRevision(), s.clusterSetRevision(), p, "", Diagnoses.NONE, Command.Trigger.MIGRATION, "", room);
      assertThat(at.apply(decide.apply("ledger", placement("web", "c1", 2)))).isInstanceOf(CommandResult.Accepted.class);
      assertThat(at.apply(decide.apply("shop", placement("web", "c1", 2)))).isInstanceOf(CommandResult.Accepted.class);
      assertThat(at.apply(decide.apply("ledger", placement("web", "c0", 3)))).as("1200m of 1900m").isInstanceOf(CommandResult.Accepted.class);
      CommandResult second = at.apply(decide.apply("shop", placement("web", "c0", 3))); // 1200m + 1500m of 1900m
      if (level < FeatureLevels.CHECKED_CAPACITY) {
        assertThat(second).as("below level 6 every replica applies 0.5's rules").isInstanceOf(CommandResult.Accepted.class);
        continue;
      }
      assertThat(kind(second)).isEqualTo(Rejection.CONFLICT);
      assertThat(((CommandResult.Rejected) second).reason()).contains("2700m", "c0");
      assertThat(s.application("shop").orElseThrow().placement()).isEqualTo(placement("web", "c1", 2));
      var cramped = new TreeMap<>(java.util.Map.of(ClusterId.of("c1"), new io.qonnect.placement.spec.Resources(100, 1L << 20)));
      assertThat(at.apply(new CommitPlacement("shop", s.application("shop").orElseThrow().specRevision(), s.clusterSetRevision(),
          placement("web", "c1", 2), "", Diagnoses.NONE, Command.Trigger.KEPT, "", cramped)))
          .as("what runs stays where the room shrank: only added replicas are checked").isInstanceOf(CommandResult.Accepted.class);
    }
  }

  /**
   * The per-cluster total apply keeps for the capacity check (so that it does not sum every application per decision)
   * is, after every kind of change, exactly what summing every application's serving demand gives.
   */
  @Test
  void theServingTotalKeptPerClusterIsAlwaysTheSumOfEveryApplicationsDemand() {
    ControlPlaneState s = new ControlPlaneState();
    long[] i = {0};
    java.util.function.Consumer<Command> at = c -> {
      s.apply(++i[0], 1, 1_000, 0, c);
      java.util.Map<ClusterId, io.qonnect.placement.spec.Resources> fresh = new TreeMap<>();
      s.applications().forEach(app -> app.servingDemand().forEach((cluster, r) -> fresh.merge(cluster, r, io.qonnect.placement.spec.Resources::plus)));
      assertThat(s.servingTotal()).as("after " + c.getClass().getSimpleName()).isEqualTo(fresh);
    };
    at.accept(new Command.SetFeatureLevel(FeatureLevels.CHECKED_CAPACITY));
    for (String c : new String[] {"c0", "c1", "c2"}) at.accept(new RegisterCluster(ClusterId.of(c), Tier.CLOUD, "eu", "x"));
    at.accept(sized("ledger", 400));
    at.accept(sized("shop", 500));
    java.util.function.BiFunction<String, Placement, CommitPlacement> decide = (app, p) -> new CommitPlacement(app,
        s.application(app).orElseThrow().specRevision(), s.clusterSetRevision(), p, "", Diagnoses.NONE, Command.Trigger.MIGRATION, "", new TreeMap<>());
    at.accept(decide.apply("ledger", placement("web", "c1", 2)));
    at.accept(decide.apply("shop", placement("web", "c1", 2)));
    at.accept(decide.apply("shop", placement("web", "c0", 3))); // a migration: both placements serve
    at.accept(decide.apply("shop", placement("web", "c2", 1))); // a second decision during it
    at.accept(sized("shop", 700));                              // the spec changes what each replica asks
    at.accept(new CompleteMigration("shop", s.application("shop").orElseThrow().placementEpoch()));
    at.accept(new Command.DeleteApplication("ledger", ""));
    java.util.Map<ClusterId, io.qonnect.placement.spec.Resources> before = s.servingTotal();
    s.restore(i[0], s.revision(), s.clusterSetRevision(), s.featureLevel(), 0, new TreeMap<>(s.clusters().stream()
        .collect(java.util.stream.Collectors.toMap(ClusterRecord::id, c -> c))), s.applications().stream()
        .collect(java.util.stream.Collectors.toMap(ApplicationRecord::name, a -> a)), List.of());
    assertThat(s.servingTotal()).as("restored from a snapshot").isEqualTo(before).isNotEmpty();
  }

  /** A spec whose one component, web, asks {@code cpuMillis} and 128Mi per replica. */
  private static Command.SubmitApplication sized(String application, long cpuMillis) {
    return new Command.SubmitApplication(application, "x", io.qonnect.proto.v1.ApplicationSpec.newBuilder().setName(application)
        .addComponents(io.qonnect.proto.v1.SpecComponent.newBuilder().setName("web").setReplicas(2)
            .setResources(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(cpuMillis).setMemoryBytes(128L << 20))).build(), 0);
  }

  /** What agents measure their desired state's lag from: the proposer time of the entry that made the revision. */
  @Test
  void theRevisionRemembersWhenTheEntryThatMadeItWasProposed() {
    state.apply(1, 1, 5_000, 0, submit("shop", "a", 0));
    assertThat(state.revisionMillis()).isEqualTo(5_000);
    state.apply(2, 1, 6_000, 0, new DeleteApplication("nope")); // rejected: the revision stays, and so does its time
    state.apply(3, 1, 7_000, 0, submit("shop", "a", 0));          // unchanged
    assertThat(state.revisionMillis()).isEqualTo(5_000);
    state.apply(4, 1, 8_000, 0, submit("shop", "b", 0));
    assertThat(state.revisionMillis()).isEqualTo(8_000);
  }

  @Test
  void theEventRingKeepsTheMostRecent() {
    for (int i = 0; i < ControlPlaneState.MAX_EVENTS + 5; i++) apply(submit("app-" + i, "x", 0));
    assertThat(state.events()).hasSize(ControlPlaneState.MAX_EVENTS);
    assertThat(state.events().getFirst().subject()).isEqualTo("app-5");
  }
}
