package io.qonnect.lead.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.lead.state.StateReader;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HealthControllerTest {
  private final ControlPlaneState state = new ControlPlaneState();
  private long index;
  private long now;

  @Test
  void theVerdictsOfOneRoundCommitTogether() {
    state.apply(++index, 0, new Command.SetFeatureLevel(FeatureLevels.SUPPORTED));
    List<String> names = List.of("c1", "c2", "c3");
    names.forEach(n -> state.apply(++index, 0, new Command.RegisterCluster(ClusterId.of(n), Tier.CLOUD, "eu", "10.0.0.1:9000")));
    StateReader reader = StateReader.of(state);
    ObservationSource none = new ObservationSource() {
      @Override public ObservationSnapshot latest() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public ObservationSnapshot cached() { return ObservationSnapshot.getDefaultInstance(); }
      @Override public boolean degraded() { return false; }
    };
    AgentSessions sessions = new AgentSessions();
    HealthController health = new HealthController(reader, () -> 1, sessions, new AgentLiveness(sessions, none, () -> now),
        (command, term) -> CompletableFuture.completedFuture(state.apply(++index, 1, now, term, command)), HealthRules.Config.DEFAULT, () -> now);
    for (; now <= 2000; now += 250) { // every agent heartbeats, then all three clusters go down at once
      for (String n : names) sessions.heartbeat(Heartbeat.newBuilder().setCluster(n).setApiServerReachable(true).setNodesReady(1).setNodesTotal(1).build(), now, now);
      health.reconcileOnce();
    }
    for (; now <= 8000; now += 250) {
      health.reconcileOnce();
      List<ClusterHealth> verdicts = state.clusters().stream().map(ClusterRecord::health).distinct().toList();
      assertThat(verdicts).as("at %d ms: the rules judge the three alike, the log must too", now).hasSize(1);
    }
    assertThat(state.clusters()).extracting(ClusterRecord::health).containsOnly(ClusterHealth.FAILED);
  }
}
