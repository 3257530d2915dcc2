package io.qonnect.placement.snapshot;

import io.qonnect.names.DnsLabel;

/** A member cluster's name, e.g. {@code cloud-1}: a DNS-1123 label, also used as a kubeconfig context. */
public record ClusterId(String value) implements Comparable<ClusterId> {
  public ClusterId {
    if (!isValid(value)) {
      throw new IllegalArgumentException("not a valid cluster name: '" + value + "'");
    }
  }

  public static boolean isValid(String value) {
    return DnsLabel.isValid(value);
  }

  public static ClusterId of(String value) {
    return new ClusterId(value);
  }

  @Override
  public int compareTo(ClusterId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
