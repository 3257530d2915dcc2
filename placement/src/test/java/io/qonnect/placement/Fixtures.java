package io.qonnect.placement;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.LatencyMatrix;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.snapshot.PowerProfile;
import io.qonnect.placement.snapshot.Prices;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.Constraints;
import io.qonnect.placement.spec.FailoverPolicy;
import io.qonnect.placement.spec.ImageSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosWeights;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Small hand-built inputs for engine tests, so expected numbers can be worked out on paper. */
public final class Fixtures {
  private Fixtures() {}

  /** A cluster of {@code nodes} nodes of {@code cores} cores and {@code gib} GiB, nothing used. */
  public static MemberCluster cluster(String name, Tier tier, String region, int nodes, int cores, int gib,
      double idleWatts, double maxWatts, double perCoreHour, double perGiBHour) {
    Resources node = new Resources(cores * 1000L, (long) gib << 30);
    Resources all = node.times(nodes);
    return new MemberCluster(ClusterId.of(name), tier, region, all, all, node, nodes, new PowerProfile(idleWatts, maxWatts, cores * 1000L),
        new Prices(perCoreHour, perGiBHour), 1000, 1L << 40, true);
  }

  public static ComponentSpec component(String name, int replicas, long cpuMillis, long memMiB, String... talksTo) {
    return new ComponentSpec(name, Set.of(), replicas, new Resources(cpuMillis, memMiB << 20), List.of(talksTo), false, 0,
        Optional.of(new ImageSpec("example.org/" + name + ":1", List.of(), new TreeMap<>())), List.of());
  }

  public static ComponentSpec pinned(ComponentSpec c, Tier... tiers) {
    return new ComponentSpec(c.name(), Set.of(tiers), c.replicas(), c.resources(), c.talksTo(), c.singleton(), c.priority(), c.image(), c.manifests());
  }

  public static ComponentSpec singleton(ComponentSpec c) {
    return new ComponentSpec(c.name(), c.tiers(), 1, c.resources(), c.talksTo(), true, c.priority(), c.image(), c.manifests());
  }

  public static QosSpec spec(String name, QosWeights weights, Constraints constraints, int minClusters, ComponentSpec... components) {
    return new QosSpec(name, new TreeMap<>(), weights, constraints, new FailoverPolicy(FailoverPolicy.Mode.AUTOMATIC, minClusters),
        List.of(components), QosSpec.Format.QONNECT_V1);
  }

  public static ClusterSnapshot snapshot(List<MemberCluster> clusters, Map<String, Map<String, Double>> rtt, Map<String, Map<String, Double>> users) {
    return new ClusterSnapshot(clusters, new LatencyMatrix(rtt, users));
  }

  public static ClusterSnapshot snapshot(MemberCluster... clusters) {
    return new ClusterSnapshot(List.of(clusters), LatencyMatrix.EMPTY);
  }
}
