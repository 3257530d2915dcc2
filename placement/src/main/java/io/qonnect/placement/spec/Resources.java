package io.qonnect.placement.spec;

/**
 * CPU in millicores and memory in bytes: a replica's request, or a cluster's capacity.
 * Integers, so capacity arithmetic is exact and the same on every machine.
 */
public record Resources(long cpuMillis, long memoryBytes) {
  public static final Resources ZERO = new Resources(0, 0);
  public static final long GIB = 1L << 30;

  public Resources {
    if (cpuMillis < 0 || memoryBytes < 0) {
      throw new IllegalArgumentException("negative resources: " + cpuMillis + "m, " + memoryBytes + "B");
    }
  }

  public Resources plus(Resources o) {
    return new Resources(cpuMillis + o.cpuMillis, memoryBytes + o.memoryBytes);
  }

  /** Subtracts, never going below zero (a cluster already over-used has nothing free). */
  public Resources minusClamped(Resources o) {
    return new Resources(Math.max(0, cpuMillis - o.cpuMillis), Math.max(0, memoryBytes - o.memoryBytes));
  }

  public Resources times(long n) {
    return new Resources(Math.multiplyExact(cpuMillis, n), Math.multiplyExact(memoryBytes, n));
  }

  public boolean fitsIn(Resources capacity) {
    return cpuMillis <= capacity.cpuMillis && memoryBytes <= capacity.memoryBytes;
  }

  /** How many copies of {@code each} fit in this capacity. */
  public long howMany(Resources each) {
    long byCpu = each.cpuMillis == 0 ? Long.MAX_VALUE : cpuMillis / each.cpuMillis;
    long byMem = each.memoryBytes == 0 ? Long.MAX_VALUE : memoryBytes / each.memoryBytes;
    return Math.min(byCpu, byMem);
  }

  public double cores() {
    return cpuMillis / 1000.0;
  }

  public double gib() {
    return (double) memoryBytes / GIB;
  }

  @Override
  public String toString() {
    return Quantities.formatCpu(cpuMillis) + " cpu, " + Quantities.formatMemory(memoryBytes) + " memory";
  }
}
