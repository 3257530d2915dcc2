package io.qonnect.placement.snapshot;

import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;

/**
 * One member cluster as the engine sees it.
 *
 * @param allocatable what its nodes offer in all
 * @param free what is not yet requested (by any application, qonnect's or not)
 * @param node one node's allocatable: a replica must fit on a single node
 * @param nodeCount nodes in the cluster (the engine's model is nodeCount identical nodes)
 * @param schedulable false when the leader has judged it Failed or it is cordoned
 */
public record MemberCluster(
    ClusterId id,
    Tier tier,
    String region,
    Resources allocatable,
    Resources free,
    Resources node,
    int nodeCount,
    PowerProfile power,
    Prices prices,
    double bandwidthMbps,
    long storageBytes,
    boolean schedulable) {

  /** Share of CPU or memory already requested, whichever is higher: 0 = empty, 1 = full. */
  public double utilisation() {
    double cpu = allocatable.cpuMillis() == 0 ? 1 : 1 - (double) free.cpuMillis() / allocatable.cpuMillis();
    double mem = allocatable.memoryBytes() == 0 ? 1 : 1 - (double) free.memoryBytes() / allocatable.memoryBytes();
    return Math.max(0, Math.min(1, Math.max(cpu, mem)));
  }

  public MemberCluster withFree(Resources newFree) {
    return new MemberCluster(id, tier, region, allocatable, newFree, node, nodeCount, power, prices, bandwidthMbps, storageBytes, schedulable);
  }

  public MemberCluster withSchedulable(boolean value) {
    return new MemberCluster(id, tier, region, allocatable, free, node, nodeCount, power, prices, bandwidthMbps, storageBytes, value);
  }

  public MemberCluster withPrices(Prices newPrices) {
    return new MemberCluster(id, tier, region, allocatable, free, node, nodeCount, power, newPrices, bandwidthMbps, storageBytes, schedulable);
  }
}
