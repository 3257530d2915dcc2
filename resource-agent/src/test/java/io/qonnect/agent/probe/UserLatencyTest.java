package io.qonnect.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserLatencyTest {
  @Test
  void declaredRoundTripsFromUsersAreReadAsGiven() {
    UserLatency users = UserLatency.parse(List.of("# from the inventory", "user eu-central edge-1 5.0", "user us-east edge-1 90"));
    assertThat(users.regions()).containsExactly("eu-central", "us-east");
    assertThat(users.from("eu-central", "edge-1")).hasValue(5.0);
    assertThat(users.from("eu-central", "fog-1")).isEmpty();
  }

  @Test
  void aRoundTripBetweenClustersIsMeasuredNeverDeclared() {
    assertThatThrownBy(() -> UserLatency.parse(List.of("user eu-central edge-1 5", "rtt edge-1 fog-1 10")))
        .hasMessageContaining("line 2").hasMessageContaining("expected 'user REGION CLUSTER MS'");
  }
}
