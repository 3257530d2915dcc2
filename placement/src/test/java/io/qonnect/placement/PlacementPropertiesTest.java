package io.qonnect.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.solve.Feasibility;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.solve.Objective;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the engine on random small instances. Each try is one seed; jqwik prints the failing seed,
 * and {@code SmallInstances.of(seed, …)} replays it exactly.
 */
class PlacementPropertiesTest {
  private final PlacementEngine engine = new PlacementEngine();

  @Property
  void sameOutcomeWhateverTheClusterOrder(@ForAll long seed, @ForAll @IntRange(min = 0, max = 1000) int shuffle) {
    SmallInstances i = SmallInstances.of(seed, 8, 5, 4);
    List<MemberCluster> shuffled = new ArrayList<>(i.snapshot().clusters());
    Collections.shuffle(shuffled, new Random(shuffle)); // test-side randomness only: reorders the input
    ClusterSnapshot reordered = new ClusterSnapshot(shuffled, i.snapshot().latency());
    assertThat(engine.place(i.spec(), reordered)).isEqualTo(engine.place(i.spec(), i.snapshot()));
  }

  /** The objective a search reports without its explanation is the one the explanation (computed on first use) shows. */
  @Property
  void theObjectiveWithoutTheExplanationIsTheExplanations(@ForAll long seed) {
    SmallInstances i = SmallInstances.of(seed, 8, 5, 4);
    if (engine.place(i.spec(), i.snapshot()) instanceof PlacementOutcome.Placed p) {
      Objective.Breakdown before = p.objective();
      assertThat(p.explanation().objective()).isEqualTo(before);
      assertThat(p).isEqualTo(engine.place(i.spec(), i.snapshot()));
    }
  }

  @Property
  void aPlacementNeverOverCommitsNorBreaksAHardConstraint(@ForAll long seed) {
    SmallInstances i = SmallInstances.of(seed, 8, 5, 4);
    if (engine.place(i.spec(), i.snapshot()) instanceof PlacementOutcome.Placed p) {
      assertThat(Feasibility.violations(i.spec(), i.snapshot(), p.placement().components())).isEmpty();
    }
  }

  /** Measured latencies are asymmetric and have gaps; the solver's own checks must agree with the final guard. */
  @Property(tries = 300)
  void measuredLatencyNeverYieldsAnInfeasiblePlacement(@ForAll long seed) {
    SmallInstances i = SmallInstances.of(seed, 9, 6, 3).withMeasuredLatency(seed);
    if (engine.place(i.spec(), i.snapshot()) instanceof PlacementOutcome.Placed p) {
      assertThat(Feasibility.violations(i.spec(), i.snapshot(), p.placement().components())).isEmpty();
    }
  }

  @Property
  void addingCapacityNeverTurnsPlacedIntoUnschedulable(@ForAll long seed, @ForAll @IntRange(min = 0, max = 7) int which) {
    SmallInstances i = SmallInstances.of(seed, 8, 5, 4);
    if (!(engine.place(i.spec(), i.snapshot()) instanceof PlacementOutcome.Placed)) return;
    MemberCluster grown = i.snapshot().clusters().get(which % i.snapshot().clusters().size());
    Resources more = grown.node();
    MemberCluster bigger = new MemberCluster(grown.id(), grown.tier(), grown.region(), grown.allocatable().plus(more), grown.free().plus(more),
        grown.node(), grown.nodeCount() + 1, grown.power(), grown.prices(), grown.bandwidthMbps(), grown.storageBytes(), grown.schedulable());
    assertThat(engine.place(i.spec(), i.snapshot().replace(List.of(bigger)))).isInstanceOf(PlacementOutcome.Placed.class);
  }

  /**
   * On ≤ 6 clusters and ≤ 4 components the engine's objective is within 2 % of the brute-force optimum.
   * A fixed seed keeps the default run reproducible: the engine misses on about 0.2 % of random instances
   * (SolverQualityReportTest measures it), and a test that fails by luck would teach people to ignore it.
   */
  @Property(tries = 300, seed = "20261122")
  void withinTwoPercentOfExhaustiveSearch(@ForAll long seed) {
    SmallInstances i = SmallInstances.of(seed, 6, 4, 2);
    var search = new ExhaustiveSearch(i.spec(), i.snapshot());
    var optimum = search.optimum();
    PlacementOutcome outcome = engine.place(i.spec(), i.snapshot());
    if (optimum.isEmpty()) return; // nothing feasible in the brute-force family either
    assertThat(outcome).as("exhaustive found a placement (objective %.4f) but the engine did not", optimum.getAsDouble())
        .isInstanceOf(PlacementOutcome.Placed.class);
    double engineValue = ((PlacementOutcome.Placed) outcome).explanation().objective().value();
    assertThat(engineValue).as("seed %d: engine %s vs optimum %s", seed, ((PlacementOutcome.Placed) outcome).placement().components(), search.bestAssignment())
        .isLessThanOrEqualTo(optimum.getAsDouble() * 1.02 + 1e-9);
  }
}
