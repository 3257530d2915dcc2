package io.qonnect.placement.snapshot;

/**
 * A node's power draw: {@code idleWatts} switched on and doing nothing, {@code maxWatts} at full CPU load.
 * Linear in between, the usual server model (SPECpower curves are close to linear).
 */
public record PowerProfile(double idleWatts, double maxWatts, long nodeCpuMillis) {
  public PowerProfile {
    if (!(idleWatts >= 0) || !(maxWatts >= idleWatts) || nodeCpuMillis <= 0) {
      throw new IllegalArgumentException("need 0 <= idleWatts <= maxWatts and nodeCpu > 0");
    }
  }

  /**
   * Extra watts drawn per fully used core. Nodes in a running cluster are already on, so their idle draw
   * is not caused by the application; a replica adds the dynamic power of its CPU share.
   */
  public double marginalWattsPerCore() {
    return (maxWatts - idleWatts) / (nodeCpuMillis / 1000.0);
  }
}
