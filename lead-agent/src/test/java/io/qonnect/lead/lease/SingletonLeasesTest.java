package io.qonnect.lead.lease;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SingletonLeasesTest {
  private static final long D = 3000;

  @Test
  void aNewLeaderGrantsNothingDuringItsFirstLeaseDuration() {
    SingletonLeases leases = new SingletonLeases(D, 10_000);
    assertThat(leases.grant("app", "db", "cloud-1", 10_000)).isFalse();
    assertThat(leases.grant("app", "db", "cloud-1", 12_999)).isFalse();
    assertThat(leases.grant("app", "db", "cloud-1", 13_000)).isTrue();
  }

  @Test
  void renewalsKeepTheLeaseAndNoOtherClusterGetsIt() {
    SingletonLeases leases = new SingletonLeases(D, 0);
    assertThat(leases.grant("app", "db", "cloud-1", 5_000)).isTrue();
    assertThat(leases.grant("app", "db", "cloud-1", 7_000)).isTrue();
    assertThat(leases.grant("app", "db", "fog-1", 9_999)).as("cloud-1 holds it until 10000").isFalse();
    assertThat(leases.holder("app", "db", 9_999)).isEqualTo("cloud-1");
  }

  @Test
  void anotherClusterGetsTheLeaseOnlyAfterTheLastRenewalExpired() {
    SingletonLeases leases = new SingletonLeases(D, 0);
    leases.grant("app", "db", "cloud-1", 5_000);
    assertThat(leases.grant("app", "db", "fog-1", 8_000)).isTrue();
    assertThat(leases.grant("app", "db", "cloud-1", 9_000)).as("fog-1 holds it now").isFalse();
  }

  @Test
  void singletonsAreIndependent() {
    SingletonLeases leases = new SingletonLeases(D, 0);
    assertThat(leases.grant("app", "db", "cloud-1", 5_000)).isTrue();
    assertThat(leases.grant("app", "queue", "fog-1", 5_000)).isTrue();
    assertThat(leases.grant("other", "db", "fog-1", 5_000)).isTrue();
  }
}
