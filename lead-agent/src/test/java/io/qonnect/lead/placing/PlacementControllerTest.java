package io.qonnect.lead.placing;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.PlacementEngine;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PlacementControllerTest {
  /** Rounds come every 200 ms; the snapshot they place with may be up to a second old (the source's cache decides). */
  @Test
  void aRoundAsksForARecentSnapshotNotAFreshOne() {
    ControlPlaneState state = new ControlPlaneState();
    StateReader reader = StateReader.of(state);
    List<String> asked = new ArrayList<>();
    ObservationSource source = new ObservationSource() {
      @Override public ObservationSnapshot latest() { asked.add("latest"); return ObservationSnapshot.getDefaultInstance(); }
      @Override public ObservationSnapshot recent(long maxAgeMillis) { asked.add("recent " + maxAgeMillis); return ObservationSnapshot.getDefaultInstance(); }
      @Override public ObservationSnapshot cached() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public boolean degraded() { return false; }
    };
    PlacementController controller = new PlacementController(reader, () -> 1, source, (command, term) -> new CompletableFuture<>(), new PlacementEngine(),
        PlacementRound.Policy.DEFAULT, d -> { }, Clock.systemUTC(), () -> 0, cluster -> Long.MIN_VALUE);
    controller.reconcileOnce();
    controller.reconcileOnce();
    assertThat(asked).containsExactly("recent " + PlacementController.OBSERVATIONS_MAX_AGE_MILLIS, "recent " + PlacementController.OBSERVATIONS_MAX_AGE_MILLIS);
  }

  /** A snapshot of megabytes (a thousand member clusters) is read less often: at most a megabyte of it a second. */
  @Test
  void aLargeSnapshotMayBeOlderInProportionToItsSize() {
    assertThat(PlacementController.observationsMaxAge(ObservationSnapshot.getDefaultInstance())).isEqualTo(PlacementController.OBSERVATIONS_MAX_AGE_MILLIS);
    ObservationSnapshot.Builder big = ObservationSnapshot.newBuilder();
    for (int i = 0; i < 3_000; i++) big.addClusters(io.qonnect.proto.v1.ClusterReport.newBuilder().setCluster("c".repeat(995) + String.format("%05d", i)));
    ObservationSnapshot threeMegabytes = big.build();
    assertThat(threeMegabytes.getSerializedSize()).isBetween(3_000_000, 3_020_000);
    assertThat(PlacementController.observationsMaxAge(threeMegabytes)).isBetween(3_000L, 3_020L);
  }
}
