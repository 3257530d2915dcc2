package io.qonnect.lead.placing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Who probes whom: complete up to 64 member clusters, sparse beyond, and every pair still known to placement. */
class ProbePlanTest {
  static List<ClusterRecord> registry(int clusters, int regions) {
    List<ClusterRecord> out = new ArrayList<>();
    for (int i = 1; i <= clusters; i++) {
      out.add(new ClusterRecord(ClusterId.of(String.format("c-%04d", i)), Tier.values()[i % 3], "region-" + (i % regions), "10.0.0." + i + ":7070",
          ClusterHealth.HEALTHY, "registered", ""));
    }
    return out;
  }

  @Test
  void upTo64ClustersEveryAgentProbesEveryOther() {
    List<ClusterRecord> registry = registry(ProbePlan.FULL_MESH_MAX, 4);
    ProbePlan plan = ProbePlan.of(registry);
    assertThat(plan.landmarks()).isEmpty();
    for (ClusterRecord c : registry) {
      assertThat(plan.targets(c.id())).hasSize(registry.size() - 1).doesNotContain(c);
    }
  }

  @Test
  void aClusterWithoutAnAgentAddressIsNeitherProbedNorProbing() {
    List<ClusterRecord> registry = new ArrayList<>(registry(3, 1));
    ClusterRecord seeded = new ClusterRecord(ClusterId.of("inventory"), Tier.CLOUD, "region-0", "", ClusterHealth.HEALTHY, "registered", "");
    registry.add(seeded);
    assertThat(ProbePlan.of(registry).targets(registry.getFirst().id())).hasSize(2).doesNotContain(seeded);
  }

  @Property(tries = 20)
  void beyond64EachAgentProbesFewPeersAndEveryOneIsProbedBySomeone(@ForAll @IntRange(min = 65, max = 1000) int clusters,
      @ForAll @IntRange(min = 1, max = 30) int regions) {
    List<ClusterRecord> registry = registry(clusters, regions);
    ProbePlan plan = ProbePlan.of(registry);
    Set<String> groups = new HashSet<>();
    registry.forEach(c -> groups.add(c.tier() + "/" + c.region()));
    assertThat(plan.landmarks()).hasSizeLessThanOrEqualTo(groups.size() * ProbePlan.LANDMARKS_PER_GROUP);
    Map<String, Integer> probedBy = new HashMap<>();
    for (ClusterRecord c : registry) {
      List<ClusterRecord> targets = plan.targets(c.id());
      assertThat(targets).doesNotContain(c).hasSizeLessThanOrEqualTo(plan.landmarks().size() + ProbePlan.NEAR);
      assertThat(targets.stream().map(t -> t.id().value()).toList()).as("every landmark but itself")
          .containsAll(plan.landmarks().stream().filter(l -> !l.equals(c.id().value())).toList());
      targets.forEach(t -> probedBy.merge(t.id().value(), 1, Integer::sum));
    }
    assertThat(probedBy).as("every agent is probed by at least one other").hasSize(clusters);
  }

  @Test
  void theSamePlanWhateverTheRegistrysOrder() {
    List<ClusterRecord> registry = registry(300, 7);
    List<ClusterRecord> shuffled = new ArrayList<>(registry);
    Collections.shuffle(shuffled, new Random(7));
    ProbePlan a = ProbePlan.of(registry);
    ProbePlan b = ProbePlan.of(shuffled);
    assertThat(b.landmarks()).isEqualTo(a.landmarks());
    for (ClusterRecord c : registry) assertThat(b.targets(c.id())).isEqualTo(a.targets(c.id()));
  }

  /** One that does not become a landmark (a landmark joining is probed by all, by design: 2 per tier and region). */
  @Test
  void aClusterJoiningChangesFewOtherAgentsProbes() {
    List<ClusterRecord> registry = registry(1000, 20);
    ProbePlan after = ProbePlan.of(registry);
    ClusterRecord joining = registry.stream().filter(c -> !after.landmarks().contains(c.id().value())).findFirst().orElseThrow();
    List<ClusterRecord> without = registry.stream().filter(c -> c != joining).toList();
    ProbePlan before = ProbePlan.of(without);
    assertThat(after.landmarks()).isEqualTo(before.landmarks());
    long changed = without.stream().filter(c -> !before.targets(c.id()).equals(after.targets(c.id()))).count();
    assertThat(changed).as("agents whose peer list changed: those in its region that now pick it").isLessThanOrEqualTo(2 * ProbePlan.NEAR);
  }

  /** Agents that report only what the plan asks still give placement a round trip for every pair (measured or estimated). */
  @Test
  void placementKnowsEveryPairFromASparseMeasurement() {
    List<ClusterRecord> registry = registry(200, 5);
    ProbePlan plan = ProbePlan.of(registry);
    ObservationSnapshot.Builder observations = ObservationSnapshot.newBuilder();
    long measured = 0;
    for (ClusterRecord c : registry) {
      LatencyReport.Builder r = LatencyReport.newBuilder().setFromCluster(c.id().value()).setObservedUnixMillis(1);
      for (ClusterRecord t : plan.targets(c.id())) r.addSamples(LatencySample.newBuilder().setTo(t.id().value()).setRttMs(rtt(c, t)));
      measured += r.getSamplesCount();
      observations.addLatency(r);
    }
    ClusterSnapshot snapshot = SnapshotBuilder.build(observations.build(), registry);
    assertThat(measured).as("samples: far fewer than all pairs").isLessThan(200L * 199 / 2);
    for (ClusterRecord a : registry) {
      for (ClusterRecord b : registry) {
        var known = snapshot.latency().between(a.id(), b.id());
        assertThat(known).as(a.id().value() + " → " + b.id().value()).isPresent();
        assertThat(known.getAsDouble()).as("never below the real round trip").isGreaterThanOrEqualTo(rtt(a, b) - 1e-9);
      }
    }
  }

  /** A metric: clusters on a line by number, regions farther apart. */
  private static double rtt(ClusterRecord a, ClusterRecord b) {
    if (a.equals(b)) return 0;
    int x = Integer.parseInt(a.id().value().substring(2));
    int y = Integer.parseInt(b.id().value().substring(2));
    return Math.abs(x - y) * 0.1 + Math.abs(a.region().hashCode() % 7 - b.region().hashCode() % 7) * 10.0;
  }
}
