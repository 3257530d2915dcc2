package io.qonnect.names;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DnsLabelTest {
  @Test
  void labels() {
    assertThat(DnsLabel.isValid("cloud-1")).isTrue();
    assertThat(DnsLabel.isValid("a")).isTrue();
    assertThat(DnsLabel.isValid("a".repeat(63))).isTrue();
    assertThat(DnsLabel.isValid("a".repeat(64))).isFalse();
    assertThat(DnsLabel.isValid("-a")).isFalse();
    assertThat(DnsLabel.isValid("a-")).isFalse();
    assertThat(DnsLabel.isValid("Shop")).isFalse();
    assertThat(DnsLabel.isValid("a.b")).isFalse();
    assertThat(DnsLabel.isValid("")).isFalse();
    assertThat(DnsLabel.isValid(null)).isFalse();
  }

  @Test
  void problemsNameTheField() {
    assertThat(DnsLabel.problem("cluster", "cloud-1")).isEmpty();
    assertThat(DnsLabel.problem("cluster", "")).isEqualTo("cluster: is empty; it must be a DNS-1123 label");
    assertThat(DnsLabel.problem("cluster", "x".repeat(64))).contains("64 characters").startsWith("cluster: ");
    assertThat(DnsLabel.problem("application", "Shop")).startsWith("application: 'Shop' is not a DNS-1123 label");
  }
}
