package io.qonnect.lead.placing;

import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.lead.state.Command;
import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementRoundTest {
  private final QosSpecParser parser = new QosSpecParser();
  private static final PlacementRound.Policy POLICY = new PlacementRound.Policy(0.10, 10_000, 1, 120_000);
  private final PlacementRound round = new PlacementRound(new PlacementEngine(), app -> parser.parse(app.specYaml()), POLICY);

  static ApplicationRecord fresh(String name, String yaml, long specRevision) {
    return new ApplicationRecord(name, yaml, SpecCodec.fromLegacyYaml(yaml), specRevision, 0, null, null, "", io.qonnect.lead.state.Diagnoses.NONE, 0, 0, specRevision, 0);
  }

  static ApplicationRecord placed(ApplicationRecord app, CommitPlacement decision, long epoch) {
    return new ApplicationRecord(app.name(), app.specYaml(), app.spec(), app.specRevision(), epoch, decision.placement(), null, decision.explanation(),
        decision.diagnosis(), app.specRevision(), decision.basedOnClusterSetRevision(), app.incarnation(), 0);
  }

  static String spec(String name, int replicas, String cpu) {
    return """
        apiVersion: qonnect.io/v1
        kind: Application
        metadata: {name: %s}
        spec:
          qos: {energy: 1, cost: 1, performance: 1}
          components:
            - name: web
              replicas: %d
              resources: {cpu: %s, memory: 128Mi}
              image: nginx:1.27
        """.formatted(name, replicas, cpu);
  }

  /** One cluster of {@code nodes} nodes with 4 cores and 16 GiB each, 1 core of each requested by others. */
  static ClusterReport report(String cluster, int nodes, boolean ready) {
    return report(cluster, nodes, ready, 0.03);
  }

  static ClusterReport report(String cluster, int nodes, boolean ready, double pricePerCore) {
    ClusterReport.Builder b = ClusterReport.newBuilder().setCluster(cluster).setPricePerCoreHour(pricePerCore).setPricePerGibHour(0.004);
    for (int i = 0; i < nodes; i++) {
      b.addNodes(NodeObservation.newBuilder().setName(cluster + "-n" + i).setReady(ready)
          .setAllocatable(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(4000).setMemoryBytes(16L << 30))
          .setRequested(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(1000).setMemoryBytes(1L << 30))
          .setIdleWatts(50).setMaxWatts(150));
    }
    return b.build();
  }

  static ClusterRecord member(String name, ClusterHealth health) {
    return new ClusterRecord(ClusterId.of(name), Tier.CLOUD, "eu", "", health, "", "");
  }

  @Test
  void theSnapshotCountsReadyNodesAndSubtractsWhatOthersRequest() {
    ObservationSnapshot obs = ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true)).addClusters(report("cloud-2", 2, false)).build();
    ClusterSnapshot snapshot = SnapshotBuilder.build(obs, List.of(member("cloud-1", ClusterHealth.HEALTHY), member("cloud-2", ClusterHealth.HEALTHY),
        member("cloud-3", ClusterHealth.HEALTHY)));
    // cloud-2 has no Ready node and cloud-3 never reported: neither can be placed on
    assertThat(snapshot.clusters()).extracting(c -> c.id().value()).containsExactly("cloud-1");
    // 2 nodes × 4 cores = 8 cores, 2 × 1 core requested by workloads qonnect does not manage → 6 free
    assertThat(snapshot.clusters().getFirst().free()).isEqualTo(new Resources(6000, 30L << 30));
  }

  @Test
  void applicationsDecidedInOneRoundNeverShareTheSameCores() {
    // one cluster, 6 cores free: two applications of 4 × 1 core each cannot both fit
    ClusterSnapshot snapshot = SnapshotBuilder.build(ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY)));
    List<ApplicationRecord> apps = List.of(
        fresh("alpha", spec("alpha", 4, "1"), 2),
        fresh("beta", spec("beta", 4, "1"), 3));

    List<CommitPlacement> decisions = round.decide(apps, 1, snapshot, false, 0);

    assertThat(decisions).extracting(CommitPlacement::application).containsExactly("alpha", "beta");
    assertThat(decisions.get(0).placement()).isNotNull();
    assertThat(decisions.get(1).placement()).as("beta must not get the cores promised to alpha").isNull();
    assertThat(decisions.get(1).diagnosis().getSummary()).as("beta is unschedulable, and says why").isNotEmpty();
    assertThat(decisions).allSatisfy(d -> assertThat(d.basedOnClusterSetRevision()).isEqualTo(1));
  }

  @Test
  void committedPlacementsReserveCapacityAndOnlyDueApplicationsAreDecided() {
    ClusterSnapshot snapshot = SnapshotBuilder.build(ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY)));
    ApplicationRecord alpha = fresh("alpha", spec("alpha", 4, "1"), 2);
    CommitPlacement first = round.decide(List.of(alpha), 1, snapshot, false, 0).getFirst();
    ApplicationRecord placedAlpha = placed(alpha, first, 1);
    ApplicationRecord beta = fresh("beta", spec("beta", 2, "1"), 3);

    List<CommitPlacement> decisions = round.decide(List.of(placedAlpha, beta), 1, snapshot, false, 0);

    // alpha is placed against the current revisions: not decided again; beta fits in the 2 cores alpha left
    assertThat(decisions).extracting(CommitPlacement::application).containsExactly("beta");
    assertThat(decisions.getFirst().placement()).isNotNull();
  }

  @Test
  void unschedulableApplicationsAreRetriedOnlyWhenSomethingChanged() {
    ClusterSnapshot empty = SnapshotBuilder.build(ObservationSnapshot.getDefaultInstance(), List.of());
    ApplicationRecord alpha = new ApplicationRecord("alpha", spec("alpha", 1, "1"), SpecCodec.fromLegacyYaml(spec("alpha", 1, "1")), 2, 0, null, null, "", io.qonnect.lead.state.Diagnoses.summaryOnly("no cluster"), 2, 0, 2, 0);
    assertThat(round.decide(List.of(alpha), 0, empty, false, 0)).isEmpty();
    assertThat(round.decide(List.of(alpha), 0, empty, true, 0)).singleElement().satisfies(d -> assertThat(d.placement()).isNull());
  }

  private static ClusterSnapshot cheapAndDear(double dearPrice, ClusterHealth cheapHealth) {
    return SnapshotBuilder.build(ObservationSnapshot.newBuilder().addClusters(report("cloud-1", 2, true, 0.03))
        .addClusters(report("cloud-2", 2, true, dearPrice)).build(), List.of(member("cloud-1", cheapHealth), member("cloud-2", ClusterHealth.HEALTHY)));
  }

  /** alpha placed on cloud-1, the cheaper of two clusters, at cluster set revision 1. */
  private ApplicationRecord alphaOnCloud1() {
    ApplicationRecord alpha = fresh("alpha", spec("alpha", 2, "1"), 2);
    CommitPlacement first = round.decide(List.of(alpha), 1, cheapAndDear(0.06, ClusterHealth.HEALTHY), false, 0).getFirst();
    assertThat(first.placement().of("web")).containsOnlyKeys(ClusterId.of("cloud-1"));
    assertThat(first.reason()).isEqualTo("new spec");
    return placed(alpha, first, 1);
  }

  @Test
  void aFailedClusterIsFailedOverAtOnceAndASuspectOneKeepsWhatItRuns() {
    ApplicationRecord alpha = alphaOnCloud1();
    // Suspect: nothing moves; the new cluster set revision is acknowledged with the same placement
    CommitPlacement kept = round.decide(List.of(alpha), 2, cheapAndDear(0.06, ClusterHealth.SUSPECT), false, 1_000).getFirst();
    assertThat(kept.trigger()).isEqualTo(Command.Trigger.KEPT);
    assertThat(kept.placement()).isEqualTo(alpha.placement());
    // Failed: re-placed on the other cluster in the same round, no hold time
    CommitPlacement moved = round.decide(List.of(alpha), 3, cheapAndDear(0.06, ClusterHealth.FAILED), false, 2_000).getFirst();
    assertThat(moved.trigger()).isEqualTo(Command.Trigger.FAILOVER);
    assertThat(moved.reason()).startsWith("failover: web: cloud-1 is not an eligible member cluster");
    assertThat(moved.placement().of("web")).containsOnlyKeys(ClusterId.of("cloud-2"));
  }

  /**
   * With more applications than a round may look at for something better, failovers and new specs are still decided
   * in the round they arise, all of them; the looking (here: retrying unschedulable ones after observations changed)
   * goes round in turn, so every application gets its turn, even one whose change came while it was not its turn.
   */
  @Test
  void aRoundLooksAtAFewApplicationsInTurnButFailsOverAndPlacesNewSpecsAtOnce() {
    PlacementRound budgeted = new PlacementRound(new PlacementEngine(), app -> parser.parse(app.specYaml()), new PlacementRound.Policy(0.10, 10_000, 1, 120_000, 2));
    // five on cloud-1; cloud-1 fails: all five fail over in one round although only two are in turn
    List<ApplicationRecord> onCloud1 = new java.util.ArrayList<>();
    for (String name : List.of("a", "b", "c", "d", "e")) {
      ApplicationRecord app = fresh(name, spec(name, 1, "100m"), 2);
      CommitPlacement first = budgeted.decide(List.of(app), 1, cheapAndDear(0.06, ClusterHealth.HEALTHY), false, 0).getFirst();
      assertThat(first.placement().of("web")).containsOnlyKeys(ClusterId.of("cloud-1"));
      onCloud1.add(placed(app, first, 1));
    }
    List<CommitPlacement> failovers = budgeted.decide(onCloud1, 2, cheapAndDear(0.06, ClusterHealth.FAILED), false, 1_000);
    assertThat(failovers).hasSize(5).allSatisfy(d -> assertThat(d.trigger()).isEqualTo(Command.Trigger.FAILOVER));

    // five unschedulable ones, and observations change once: retried two per round, each in its turn, all within three rounds
    ClusterSnapshot empty = SnapshotBuilder.build(ObservationSnapshot.getDefaultInstance(), List.of());
    List<ApplicationRecord> waiting = List.of("a", "b", "c", "d", "e").stream().map(n -> new ApplicationRecord(n, spec(n, 1, "1"),
        SpecCodec.fromLegacyYaml(spec(n, 1, "1")), 2, 0, null, null, "", io.qonnect.lead.state.Diagnoses.summaryOnly("no cluster"), 2, 0, 2, 0)).toList();
    List<String> retried = new java.util.ArrayList<>();
    retried.addAll(budgeted.decide(waiting, 0, empty, true, 2_000).stream().map(CommitPlacement::application).toList());
    assertThat(retried).hasSize(2);
    retried.addAll(budgeted.decide(waiting, 0, empty, false, 2_200).stream().map(CommitPlacement::application).toList());
    retried.addAll(budgeted.decide(waiting, 0, empty, false, 2_400).stream().map(CommitPlacement::application).toList());
    assertThat(retried).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    assertThat(budgeted.decide(waiting, 0, empty, false, 2_600)).as("nothing changed since each was retried").isEmpty();

    // a new spec among them is placed in the round it arrives, before any of them is looked at again
    ApplicationRecord newcomer = fresh("f", spec("f", 1, "100m"), 3);
    List<ApplicationRecord> withNewcomer = new java.util.ArrayList<>(waiting);
    withNewcomer.add(newcomer);
    assertThat(budgeted.decide(withNewcomer, 0, cheapAndDear(0.06, ClusterHealth.HEALTHY), true, 2_800)).extracting(CommitPlacement::application).contains("f");

    // a burst of new specs is placed a slice per round, by name, every one of them
    List<ApplicationRecord> burst = List.of("p", "q", "r", "s", "t").stream().map(n -> fresh(n, spec(n, 1, "100m"), 4)).toList();
    List<String> placed = new java.util.ArrayList<>();
    for (int r = 0; r < 3; r++) {
      List<CommitPlacement> slice = budgeted.decide(burst.stream().filter(a -> !placed.contains(a.name())).toList(), 1,
          cheapAndDear(0.06, ClusterHealth.HEALTHY), false, 3_000 + r);
      assertThat(slice).hasSizeLessThanOrEqualTo(2);
      placed.addAll(slice.stream().map(CommitPlacement::application).toList());
    }
    assertThat(placed).containsExactly("p", "q", "r", "s", "t");
  }

  @Test
  void aConstraintBrokenByDriftingObservationsMovesOnlyAfterTheHoldTime() {
    ApplicationRecord alpha = alphaOnCloud1();
    // others now request almost all of cloud-1: alpha's 2 cores no longer fit there, but observations wobble
    ClusterReport crowded = report("cloud-1", 2, true).toBuilder().setNodes(0, report("cloud-1", 2, true).getNodes(0).toBuilder()
        .setRequested(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(4000).setMemoryBytes(1L << 30))).setNodes(1,
        report("cloud-1", 2, true).getNodes(1).toBuilder().setRequested(io.qonnect.proto.v1.Resources.newBuilder().setCpuMillis(3500).setMemoryBytes(1L << 30))).build();
    ClusterSnapshot full = SnapshotBuilder.build(ObservationSnapshot.newBuilder().addClusters(crowded).addClusters(report("cloud-2", 2, true, 0.06)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY), member("cloud-2", ClusterHealth.HEALTHY)));
    assertThat(round.decide(List.of(alpha), 1, full, true, 50_000)).isEmpty();
    assertThat(round.decide(List.of(alpha), 1, full, false, 59_000)).isEmpty();
    CommitPlacement moved = round.decide(List.of(alpha), 1, full, false, 60_000).getFirst();
    assertThat(moved.reason()).startsWith("constraint: cloud-1: over-committed");
    assertThat(moved.placement().of("web")).containsOnlyKeys(ClusterId.of("cloud-2"));
  }

  @Test
  void aBetterPlacementMovesOnlyBeyondTheMarginAndAfterTheHoldTime() {
    ApplicationRecord alpha = alphaOnCloud1();
    // cloud-2 a little cheaper than cloud-1 now: within the 10 % margin, nothing moves however long it lasts
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.0295, ClusterHealth.HEALTHY), true, 1_000)).isEmpty();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.0295, ClusterHealth.HEALTHY), true, 60_000)).isEmpty();
    // cloud-2 much cheaper: better by far more than the margin, but it has to last for the hold time
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), true, 100_000)).isEmpty();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), false, 105_000)).isEmpty();
    CommitPlacement migration = round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), false, 110_000).getFirst();
    assertThat(migration.reason()).startsWith("migration: objective");
    assertThat(migration.placement().of("web")).containsOnlyKeys(ClusterId.of("cloud-2"));
  }

  @Test
  void aWobbleResetsTheHoldTime() {
    ApplicationRecord alpha = alphaOnCloud1();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), true, 100_000)).isEmpty();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.06, ClusterHealth.HEALTHY), true, 105_000)).isEmpty();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), true, 106_000)).isEmpty();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), false, 112_000)).as("held only 6 s").isEmpty();
    assertThat(round.decide(List.of(alpha), 1, cheapAndDear(0.01, ClusterHealth.HEALTHY), false, 116_000)).hasSize(1);
  }

  @Test
  void migrationsWaitForAFreeSlotButFailoversDoNot() {
    ApplicationRecord alpha = alphaOnCloud1();
    ApplicationRecord busy = new ApplicationRecord("aaa", spec("aaa", 1, "100m"), SpecCodec.fromLegacyYaml(spec("aaa", 1, "100m")), 5, 3, alpha.placement(), alpha.placement(), "", io.qonnect.lead.state.Diagnoses.NONE, 5, 1, 5, 1);
    ClusterSnapshot cheaper = cheapAndDear(0.01, ClusterHealth.HEALTHY);
    round.decide(List.of(busy, alpha), 1, cheaper, true, 100_000);
    assertThat(round.decide(List.of(busy, alpha), 1, cheaper, false, 120_000)).as("the one slot is taken by aaa's migration")
        .noneMatch(d -> d.application().equals("alpha"));
    assertThat(round.decide(List.of(busy, alpha), 2, cheapAndDear(0.01, ClusterHealth.FAILED), false, 121_000))
        .anyMatch(d -> d.application().equals("alpha") && d.trigger() == Command.Trigger.FAILOVER);
  }

  @Test
  void aSpecEditTheRunningPlacementStillSatisfiesMovesOnlyWhenClearlyBetter() {
    // two clusters, cloud-2 a hair dearer
    ClusterSnapshot snapshot = SnapshotBuilder.build(ObservationSnapshot.newBuilder()
            .addClusters(report("cloud-1", 2, true, 0.03)).addClusters(report("cloud-2", 2, true, 0.0301)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY), member("cloud-2", ClusterHealth.HEALTHY)));
    ApplicationRecord web = fresh("web", spec("web", 2, "1"), 2);
    CommitPlacement best = round.decide(List.of(web), 1, snapshot, false, 0).getFirst();
    // what runs is the runner-up (placed when the prices were the other way round): only marginally worse
    String bestCluster = best.placement().components().get("web").firstKey().value();
    String other = bestCluster.equals("cloud-1") ? "cloud-2" : "cloud-1";
    java.util.SortedMap<ClusterId, Integer> there = new java.util.TreeMap<>(java.util.Map.of(ClusterId.of(other), 2));
    ApplicationRecord running = placed(web, new CommitPlacement("web", 2, 1, new io.qonnect.placement.Placement(new java.util.TreeMap<>(
        java.util.Map.of("web", there))), best.explanation(), "", "new spec"), 1);
    assertThat(running.placement()).isNotEqualTo(best.placement());

    // a weight edit: the same placement under the new spec revision, nothing moves
    String reweighted = spec("web", 2, "1").replace("{energy: 1, cost: 1, performance: 1}", "{energy: 2, cost: 2, performance: 2}");
    ApplicationRecord edited = new ApplicationRecord("web", reweighted, SpecCodec.fromLegacyYaml(reweighted), 5, 1, running.placement(), null,
        running.explanation(), io.qonnect.lead.state.Diagnoses.NONE, 2, 1, 2, 0);
    CommitPlacement kept = round.decide(List.of(edited), 1, snapshot, false, 0).getFirst();
    assertThat(kept.placement()).isEqualTo(running.placement());
    assertThat(kept.basedOnSpecRevision()).isEqualTo(5);
    assertThat(kept.trigger()).isEqualTo(Command.Trigger.SPEC_CHANGED);
    assertThat(kept.reason()).contains("not clearly better");

    // a weight edit that makes another cluster clearly better moves it: cost only, and cloud-2 three times dearer
    ClusterSnapshot pricey = SnapshotBuilder.build(ObservationSnapshot.newBuilder()
            .addClusters(report("cloud-1", 2, true, 0.03)).addClusters(report("cloud-2", 2, true, 0.09)).build(),
        List.of(member("cloud-1", ClusterHealth.HEALTHY), member("cloud-2", ClusterHealth.HEALTHY)));
    String costOnly = spec("web", 2, "1").replace("{energy: 1, cost: 1, performance: 1}", "{energy: 0, cost: 1, performance: 0}");
    io.qonnect.placement.Placement onCloud2 = new io.qonnect.placement.Placement(new java.util.TreeMap<>(
        java.util.Map.of("web", new java.util.TreeMap<>(java.util.Map.of(ClusterId.of("cloud-2"), 2)))));
    ApplicationRecord cheap = new ApplicationRecord("web", costOnly, SpecCodec.fromLegacyYaml(costOnly), 6, 1, onCloud2, null,
        running.explanation(), io.qonnect.lead.state.Diagnoses.NONE, 2, 1, 2, 0);
    CommitPlacement decided = round.decide(List.of(cheap), 1, pricey, false, 0).getFirst();
    assertThat(decided.trigger()).isEqualTo(Command.Trigger.SPEC_CHANGED);
    assertThat(decided.placement().components().get("web")).containsOnlyKeys(ClusterId.of("cloud-1"));
    assertThat(decided.reason()).contains("better");

    // more replicas than the running placement has: placed afresh
    String bigger = spec("web", 3, "1");
    ApplicationRecord grown = new ApplicationRecord("web", bigger, SpecCodec.fromLegacyYaml(bigger), 7, 1, running.placement(), null,
        running.explanation(), io.qonnect.lead.state.Diagnoses.NONE, 2, 1, 2, 0);
    CommitPlacement replaced = round.decide(List.of(grown), 1, snapshot, false, 0).getFirst();
    assertThat(replaced.placement().components().get("web").values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
  }
}
