package io.qonnect.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeldLeasesTest {
  @Test
  void aLeaseIsTrustedForHalfItsDurationFromReceiptAndRenewalsExtendIt() {
    HeldLeases leases = new HeldLeases();
    assertThat(leases.held("app", "db", 0)).as("never granted").isFalse();
    assertThat(leases.received("app", "db", 3000, 10_000)).isEqualTo(11_500);
    assertThat(leases.held("app", "db", 11_499)).isTrue();
    assertThat(leases.held("app", "db", 11_500)).isFalse();
    leases.received("app", "db", 3000, 11_000);
    assertThat(leases.held("app", "db", 12_000)).isTrue();
    assertThat(leases.held("app", "queue", 12_000)).isFalse();
  }

  @Test
  void aRenewalFromALeaderOfAnOlderTermIsIgnored() {
    HeldLeases leases = new HeldLeases();
    leases.received("app", "db", 3000, 10_000, 2);
    // a deposed leader (term 1) still renews: it must not stretch the lease the current leader lets lapse
    assertThat(leases.received("app", "db", 3000, 11_000, 1)).isEqualTo(11_500);
    assertThat(leases.held("app", "db", 11_600)).isFalse();
    assertThat(leases.received("app", "db", 3000, 11_000, 3)).as("a newer term's renewal counts").isEqualTo(12_500);
  }
}
