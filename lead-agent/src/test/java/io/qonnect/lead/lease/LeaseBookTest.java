package io.qonnect.lead.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseBookTest {
  private static final long D = 3000;
  private static final List<String> CLUSTERS = List.of("cloud-1", "fog-1", "edge-1");

  /** When each cluster's agent was last known to have the singleton stopped (absent: never). */
  private final Map<String, Long> stoppedAt = new HashMap<>();
  private final LeaseBook.Fences fences = (cluster, app, component, since) -> stoppedAt.getOrDefault(cluster, -1L) > since;

  private boolean grant(LeaseBook leases, String component, String cluster, long now) {
    return leases.grant("app", component, cluster, CLUSTERS, fences, now);
  }

  private void allAgentsStoppedItAt(long time) {
    CLUSTERS.forEach(c -> stoppedAt.put(c, time));
  }

  @Test
  void aNewLeaderGrantsNothingDuringItsFirstLeaseDuration() {
    LeaseBook leases = new LeaseBook(D, 10_000);
    allAgentsStoppedItAt(13_001);
    assertThat(grant(leases, "db", "cloud-1", 10_000)).isFalse();
    assertThat(grant(leases, "db", "cloud-1", 12_999)).isFalse();
    assertThat(grant(leases, "db", "cloud-1", 13_001)).isTrue();
  }

  @Test
  void aNewLeaderWaitsUntilEveryOtherAgentIsKnownToHaveStoppedIt() {
    LeaseBook leases = new LeaseBook(D, 0);
    stoppedAt.put("fog-1", 4_000L);
    assertThat(grant(leases, "db", "cloud-1", 5_000)).as("edge-1's agent never said").isFalse();
    stoppedAt.put("edge-1", 3_500L);
    assertThat(grant(leases, "db", "cloud-1", 5_000)).isTrue();
  }

  @Test
  void renewalsKeepTheLeaseAndNoOtherClusterGetsIt() {
    LeaseBook leases = new LeaseBook(D, 0);
    allAgentsStoppedItAt(4_000);
    assertThat(grant(leases, "db", "cloud-1", 5_000)).isTrue();
    assertThat(grant(leases, "db", "cloud-1", 7_000)).isTrue();
    stoppedAt.put("cloud-1", 20_000L);
    assertThat(grant(leases, "db", "fog-1", 9_999)).as("cloud-1 holds it until 10000").isFalse();
  }

  @Test
  void anotherClusterGetsTheLeaseOnceTheLastRenewalExpiredAndTheHolderStoppedIt() {
    LeaseBook leases = new LeaseBook(D, 0);
    allAgentsStoppedItAt(4_000);
    grant(leases, "db", "cloud-1", 5_000);
    stoppedAt.put("cloud-1", 8_500L);
    assertThat(grant(leases, "db", "fog-1", 8_600)).isTrue();
    assertThat(grant(leases, "db", "cloud-1", 9_000)).as("fog-1 holds it now").isFalse();
  }

  @Test
  void aHolderWhoseAgentIsGoneKeepsTheSingletonPastItsLease() {
    LeaseBook leases = new LeaseBook(D, 0);
    allAgentsStoppedItAt(4_000);
    grant(leases, "db", "cloud-1", 5_000); // then cloud-1's agent dies; its cluster may run the singleton on
    assertThat(grant(leases, "db", "fog-1", 60_000)).as("nobody could stop it in cloud-1").isFalse();
    assertThat(leases.waiting("app", "db")).contains("waiting until cloud-1's agent is known to have stopped it (it may still run there)");
    stoppedAt.put("cloud-1", 61_000L); // the agent is back and has removed it
    assertThat(grant(leases, "db", "fog-1", 61_500)).isTrue();
    assertThat(leases.waiting("app", "db")).isEmpty();
  }

  @Test
  void singletonsAreIndependent() {
    LeaseBook leases = new LeaseBook(D, 0);
    allAgentsStoppedItAt(4_000);
    assertThat(grant(leases, "db", "cloud-1", 5_000)).isTrue();
    assertThat(grant(leases, "queue", "fog-1", 5_000)).isTrue();
    assertThat(leases.grant("other", "db", "fog-1", CLUSTERS, fences, 5_000)).isTrue();
  }
}
