package io.qonnect.testbed.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.testbed.federation.PacketFaults;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillTest {
  @Test
  void theFaultKindsOfTheRealNetworkParse() {
    assertThat(Drill.parse(List.of("partition", "edge-1"))).isEqualTo(new Drill.Partition("edge-1", PacketFaults.Direction.BOTH));
    assertThat(Drill.parse(List.of("partition-out", "edge-1")).kind()).isEqualTo("partition-out");
    assertThat(Drill.parse(List.of("partition-in", "edge-1"))).isEqualTo(new Drill.Partition("edge-1", PacketFaults.Direction.IN));
    assertThat(Drill.parse(List.of("isolate-lead", "leader"))).isEqualTo(new Drill.IsolateLeadAgent("leader"));
    Drill.Pause pause = (Drill.Pause) Drill.parse(List.of("pause", "agent-cloud-1", "5"));
    assertThat(pause.cluster()).isEqualTo("cloud-1");
    assertThat(pause.ofLeadAgent()).isFalse();
    assertThat(((Drill.Pause) Drill.parse(List.of("pause", "leader", "3"))).ofLeadAgent()).isTrue();
    assertThat(Drill.parse(List.of("isolate-lead", "follower"))).isEqualTo(new Drill.IsolateLeadAgent("follower"));
    assertThat(Drill.parse(List.of("isolate-cluster", "fog-2"))).isEqualTo(new Drill.IsolateCluster("fog-2"));
    assertThat(Drill.parse(List.of("latency", "edge-1", "30"))).isEqualTo(new Drill.Latency("edge-1", 30));
    assertThat(Drill.KINDS).contains("partition-out", "partition-in", "pause", "isolate-lead", "isolate-cluster", "latency");
  }

  @Test
  void badArgumentsSayWhatIsExpected() {
    assertThatThrownBy(() -> Drill.parse(List.of("pause", "leader"))).hasMessageStartingWith("pause: expected PROCESS SECONDS");
    assertThatThrownBy(() -> Drill.parse(List.of("pause", "leader", "soon"))).hasMessage("pause: SECONDS 'soon' is not a whole number");
    assertThatThrownBy(() -> Drill.parse(List.of("pause", "leader", "0"))).hasMessage("pause: SECONDS must be 1 to 600, got 0");
    assertThatThrownBy(() -> Drill.parse(List.of("isolate-lead"))).hasMessage("isolate-lead: expected PROCESS (leader, follower or lead-N)");
    assertThatThrownBy(() -> Drill.parse(List.of("latency", "edge-1"))).hasMessageStartingWith("latency: expected CLUSTER MS");
    assertThatThrownBy(() -> Drill.parse(List.of("latency", "edge-1", "0"))).hasMessage("latency: MS must be 1 to 10000, got 0");
  }
}
