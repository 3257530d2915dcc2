package io.qonnect.placement;

import static io.qonnect.placement.Fixtures.cluster;
import static io.qonnect.placement.Fixtures.component;
import static io.qonnect.placement.Fixtures.pinned;
import static io.qonnect.placement.Fixtures.singleton;
import static io.qonnect.placement.Fixtures.snapshot;
import static io.qonnect.placement.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.InventoryParser;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.spec.Constraints;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {
  private final PlacementEngine engine = new PlacementEngine();
  // Cloud: cheapest per core, most watts per core. Edge: fewest watts per core, dearest, nearest users.
  final MemberCluster cloud = cluster("cloud-1", Tier.CLOUD, "eu", 4, 32, 128, 180, 520, 0.020, 0.0025);
  final MemberCluster fog = cluster("fog-1", Tier.FOG, "eu", 3, 8, 32, 60, 180, 0.032, 0.0040);
  final MemberCluster edge = cluster("edge-1", Tier.EDGE, "eu", 2, 4, 8, 4, 12, 0.045, 0.0060);
  final ClusterSnapshot three = Fixtures.snapshot(
      List.of(cloud, fog, edge),
      Map.of("cloud-1", Map.of("fog-1", 24.0, "edge-1", 32.0), "fog-1", Map.of("edge-1", 10.0)),
      Map.of("eu", Map.of("cloud-1", 30.0, "fog-1", 12.0, "edge-1", 5.0)));

  static PlacementOutcome.Placed placed(PlacementOutcome o) {
    assertThat(o).as("%s", o instanceof PlacementOutcome.Unschedulable u ? u.diagnosis() : "").isInstanceOf(PlacementOutcome.Placed.class);
    return (PlacementOutcome.Placed) o;
  }

  private Map<ClusterId, Integer> where(PlacementOutcome o, String component) {
    return placed(o).placement().of(component);
  }

  @Test
  void eachWeightAloneChoosesTheTierThatIsBestAtIt() {
    var web = component("web", 2, 500, 512);
    // Energy: edge adds (12-4)/4 = 2 W per core, fog 15, cloud 10.6 → edge.
    assertThat(where(engine.place(spec("a", new QosWeights(1, 0, 0), Constraints.NONE, 1, web), three), "web")).containsOnlyKeys(edge.id());
    // Cost: cloud 0.5×0.020 + 0.5×0.0025 = 0.01125/h per replica, fog 0.018, edge 0.0255 → cloud.
    assertThat(where(engine.place(spec("a", new QosWeights(0, 1, 0), Constraints.NONE, 1, web), three), "web")).containsOnlyKeys(cloud.id());
    // Performance with users in eu: edge is 5 ms from them, fog 12, cloud 30 → edge.
    var users = new Constraints(OptionalInt.empty(), List.of(), List.of("eu"));
    assertThat(where(engine.place(spec("a", new QosWeights(0, 0, 1), users, 1, web), three), "web")).containsOnlyKeys(edge.id());
  }

  @Test
  void assessScoresAPlacementLikeTheEngineAndSaysWhatItBreaksWhenTheWorldChanges() {
    var web = component("web", 2, 500, 512);
    var spec = spec("a", new QosWeights(0, 1, 0), Constraints.NONE, 1, web);
    var chosen = placed(engine.place(spec, three));
    var onFog = new Placement(new java.util.TreeMap<>(Map.of("web", new java.util.TreeMap<>(Map.of(fog.id(), 2)))));

    PlacementEngine.Assessment best = engine.assess(spec, three, chosen.placement());
    assertThat(best.feasible()).isTrue();
    assertThat(best.objective()).isEqualTo(chosen.explanation().objective().value());
    assertThat(engine.assess(spec, three, onFog).objective()).as("cost: fog is dearer than cloud").isGreaterThan(best.objective());

    var withoutCloud = Fixtures.snapshot(fog, edge);
    assertThat(engine.assess(spec, withoutCloud, chosen.placement()).violations()).containsExactly("web: cloud-1 is not an eligible member cluster (failed, removed or unknown)");
    var fogOnly = pinned(web, Tier.EDGE);
    assertThat(engine.assess(spec("a", new QosWeights(0, 1, 0), Constraints.NONE, 1, fogOnly), three, onFog).violations())
        .anyMatch(v -> v.contains("tier fog of fog-1 not allowed"));
  }

  @Test
  void tiersAndRegionsAreHardLimits() {
    var web = pinned(component("web", 2, 500, 512), Tier.FOG, Tier.EDGE);
    var out = placed(engine.place(spec("a", new QosWeights(0, 1, 0), Constraints.NONE, 1, web), three));
    assertThat(out.placement().of("web")).containsOnlyKeys(fog.id()); // cheapest of the allowed tiers
    assertThat(out.explanation().components().getFirst().rejected()).containsEntry(cloud.id(), new io.qonnect.placement.filter.Refusal(io.qonnect.placement.filter.Refusal.Reason.TIER, "tier cloud is not allowed (tiers: fog, edge)"));
  }

  @Test
  void minClustersSpreadsReplicasOnePerClusterThenCheapestFirst() {
    var web = component("web", 5, 500, 512);
    var o = placed(engine.place(spec("a", new QosWeights(0, 1, 0), Constraints.NONE, 2, web), three));
    // Two clusters; one replica each, the other three on the cheaper (cloud).
    assertThat(o.placement().of("web")).isEqualTo(Map.of(cloud.id(), 4, fog.id(), 1));
  }

  @Test
  void singletonsRunInExactlyOneCluster() {
    var leader = singleton(component("leader", 1, 500, 512));
    var o = placed(engine.place(spec("a", QosWeights.EQUAL, Constraints.NONE, 3, leader), three));
    assertThat(o.placement().of("leader")).hasSize(1).containsValue(1);
  }

  @Test
  void freeCapacityIsSharedAcrossComponents() {
    // edge has 2 nodes × 4 cores = 8 cores. Each component wants 3 replicas of 1 core: only 8 fit in all.
    var a = component("a", 3, 1000, 512);
    var b = component("b", 3, 1000, 512);
    var c = component("c", 3, 1000, 512);
    QosSpec app = spec("app", new QosWeights(1, 0, 0), Constraints.NONE, 1, a, b, c);
    var o = placed(engine.place(app, three));
    // Energy prefers edge for all nine; it takes exactly the eight that fit, the ninth goes elsewhere.
    int onEdge = o.placement().components().values().stream().mapToInt(m -> m.getOrDefault(edge.id(), 0)).sum();
    assertThat(onEdge).isEqualTo(8);
    assertThat(Feasibility.violations(app, three, o.placement().components())).isEmpty();
  }

  @Test
  void latencyAlongTalksToIsAHardLimit() {
    // front is pinned to edge; back prefers cloud on cost, but cloud is 32 ms from edge and the limit is 20.
    var front = pinned(component("front", 1, 100, 128, "back"), Tier.EDGE);
    var back = component("back", 1, 100, 128);
    var limit20 = new Constraints(OptionalInt.of(20), List.of(), List.of());
    var o = placed(engine.place(spec("a", new QosWeights(0, 1, 0), limit20, 1, front, back), three));
    assertThat(o.placement().of("back")).containsOnlyKeys(fog.id()); // fog is 10 ms from edge, cheaper than edge
  }

  @Test
  void anUnmeasuredLatencyIsTooFarEvenForTheSolver() {
    // Each cluster has room for one of the two; nobody has measured x→y yet. Unknown counts as too far.
    var x = cluster("x", Tier.CLOUD, "eu", 1, 1, 4, 10, 100, 0.02, 0.001);
    var y = cluster("y", Tier.CLOUD, "eu", 1, 1, 4, 10, 100, 0.02, 0.001);
    var front = component("front", 1, 800, 128, "back");
    var back = component("back", 1, 800, 128);
    var app = spec("a", QosWeights.EQUAL, new Constraints(OptionalInt.of(40), List.of(), List.of()), 1, front, back);
    assertThat(engine.place(app, snapshot(List.of(x, y), Map.of(), Map.of()))).isInstanceOf(PlacementOutcome.Unschedulable.class);
    var measured = snapshot(List.of(x, y), Map.of("x", Map.of("y", 40.0)), Map.of());
    assertThat(engine.place(app, measured)).isInstanceOf(PlacementOutcome.Placed.class);
  }

  @Test
  void unschedulableExplainsEveryClusterForEveryComponent() {
    var huge = component("huge", 1, 64_000, 512); // 64 cores: larger than any node
    var fine = component("fine", 1, 100, 128);
    var o = engine.place(spec("a", QosWeights.EQUAL, Constraints.NONE, 1, fine, huge), three);
    assertThat(o).isInstanceOf(PlacementOutcome.Unschedulable.class);
    Diagnosis d = ((PlacementOutcome.Unschedulable) o).diagnosis();
    assertThat(d.summary()).isEqualTo("no member cluster can take huge");
    var hugeDiag = d.components().stream().filter(c -> c.component().equals("huge")).findFirst().orElseThrow();
    assertThat(hugeDiag.rejected()).containsOnlyKeys(cloud.id(), fog.id(), edge.id());
    assertThat(hugeDiag.rejected().get(edge.id())).isEqualTo(new io.qonnect.placement.filter.Refusal(io.qonnect.placement.filter.Refusal.Reason.NODE_FIT, "one replica (64 cpu, 512Mi memory) is larger than a node (4 cpu, 8Gi memory)"));
    assertThat(d.components().stream().filter(c -> c.component().equals("fine")).findFirst().orElseThrow().eligible()).hasSize(3);
  }

  @Test
  void jointCapacityShortfallIsDiagnosedOnTheComponentThatCouldNotFit() {
    var onlyEdge = Fixtures.snapshot(edge);
    var a = component("a", 6, 1000, 512);
    var b = component("b", 6, 1000, 512); // 12 cores wanted, 8 exist
    var o = engine.place(spec("app", QosWeights.EQUAL, Constraints.NONE, 1, a, b), onlyEdge);
    Diagnosis d = ((PlacementOutcome.Unschedulable) o).diagnosis();
    assertThat(d.summary()).contains("capacity");
  }

  @Test
  void sameOutcomeWhateverOrderTheClustersCameIn() {
    var spec = spec("a", new QosWeights(1, 2, 3), new Constraints(OptionalInt.of(40), List.of(), List.of("eu")), 2,
        component("front", 3, 300, 256, "back"), component("back", 2, 200, 256));
    List<MemberCluster> shuffled = new ArrayList<>(three.clusters());
    Collections.reverse(shuffled);
    var reordered = new ClusterSnapshot(shuffled, three.latency());
    assertThat(placed(engine.place(spec, reordered)).placement()).isEqualTo(placed(engine.place(spec, three)).placement());
  }

  @Test
  void reservingCapacityForOtherApplicationsIsRespected() {
    var web = component("web", 2, 500, 512);
    var full = three.reserve(Map.of(edge.id(), edge.allocatable()));
    assertThat(where(engine.place(spec("a", new QosWeights(1, 0, 0), Constraints.NONE, 1, web), full), "web")).doesNotContainKey(edge.id());
  }

  @Test
  void bookinfoExampleOnTheNineClusterInventoryHoldsEveryConstraint() throws Exception {
    QosSpec bookinfo = ((Parsed.Valid<QosSpec>) new QosSpecParser().parse(Files.readString(Path.of("../examples/bookinfo.yaml")))).value();
    ClusterSnapshot nine = ((Parsed.Valid<ClusterSnapshot>) new InventoryParser().parse(Files.readString(Path.of("../examples/inventory-9.yaml")))).value();
    var o = placed(engine.place(bookinfo, nine));
    assertThat(Feasibility.violations(bookinfo, nine, o.placement().components())).isEmpty();
    assertThat(o.placement().components()).hasSize(6).allSatisfy((c, clusters) -> assertThat(clusters).hasSizeGreaterThanOrEqualTo(2));
    assertThat(o.explanation().render()).contains("bookinfo: placed by qonnect");
    Resources productpageDemand = o.placement().demand(bookinfo).values().stream().reduce(Resources.ZERO, Resources::plus);
    assertThat(productpageDemand.cpuMillis()).isEqualTo(2 * (250 + 100 + 3 * 200 + 100)); // 12 replicas, 2100m
  }
}
