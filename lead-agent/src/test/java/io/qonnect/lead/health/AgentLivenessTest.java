package io.qonnect.lead.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.api.AgentSessions;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.ObservationSnapshot;
import org.junit.jupiter.api.Test;

/**
 * When the leader learned that a peer's agent reached a cluster's agent: from the peers' round-trip reports, timed on
 * the leader's own clock when a newer report first appears; a cluster's report of itself, and the modelled user
 * regions, never count.
 */
class AgentLivenessTest {
  private ObservationSnapshot snapshot = ObservationSnapshot.getDefaultInstance();
  private long now = 1_000;
  private final AgentLiveness liveness = new AgentLiveness(new AgentSessions(), new ObservationSource() {
    @Override public ObservationSnapshot latest() { return snapshot; }
    @Override public ObservationSnapshot cached() { return snapshot; }
    @Override public boolean degraded() { return false; }
  }, () -> now);

  private static LatencyReport report(String from, long stamp, String... to) {
    LatencyReport.Builder b = LatencyReport.newBuilder().setFromCluster(from).setObservedUnixMillis(stamp);
    for (String t : to) b.addSamples(LatencySample.newBuilder().setTo(t).setRttMs(5));
    return b.build();
  }

  @Test
  void aPeersNewerReportIsTimedWhenTheLeaderFirstSeesIt() {
    assertThat(liveness.lastReachedByPeers("b")).as("no report yet").isZero();

    snapshot = ObservationSnapshot.newBuilder().addLatency(report("a", 50_000, "b", "user:eu")).addLatency(report("b", 90_000, "b", "a")).build();
    assertThat(liveness.lastReachedByPeers("b")).isEqualTo(1_000);
    assertThat(liveness.lastReachedByPeers("a")).as("b's report reaches a").isEqualTo(1_000);
    assertThat(liveness.lastReachedByPeers("c")).as("nobody reached c").isZero();

    now = 2_000; // the same reports again: nothing new was learned
    snapshot = snapshot.toBuilder().build();
    assertThat(liveness.lastReachedByPeers("b")).isEqualTo(1_000);

    now = 3_000; // only b's own report is newer: b reaching itself says nothing
    snapshot = ObservationSnapshot.newBuilder().addLatency(report("a", 50_000, "b")).addLatency(report("b", 95_000, "b")).build();
    assertThat(liveness.lastReachedByPeers("b")).isEqualTo(1_000);

    now = 4_000; // a newer report of a peer, c
    snapshot = ObservationSnapshot.newBuilder().addLatency(report("a", 50_000, "b")).addLatency(report("c", 60_000, "b")).build();
    assertThat(liveness.lastReachedByPeers("b")).isEqualTo(4_000);
  }
}
