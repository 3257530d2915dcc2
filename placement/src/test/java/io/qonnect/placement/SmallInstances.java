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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Small random placement problems for property tests: tight capacity and latency, so constraints bind. */
record SmallInstances(ClusterSnapshot snapshot, QosSpec spec) {
  static SmallInstances of(long seed, int maxClusters, int maxComponents, int maxReplicas) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 2 + r.nextInt(maxClusters - 1);
    List<MemberCluster> clusters = new ArrayList<>();
    Map<String, Map<String, Double>> rtt = new HashMap<>();
    Map<String, Double> users = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Tier tier = Tier.values()[r.nextInt(3)];
      int cores = 1 + r.nextInt(4);
      Resources node = new Resources(cores * 1000L, (long) (1 + r.nextInt(4)) << 30);
      int nodes = 1 + r.nextInt(2);
      Resources all = node.times(nodes);
      Resources used = new Resources(r.nextInt((int) all.cpuMillis() / 2 + 1), 0);
      double idle = r.nextInt(50);
      clusters.add(new MemberCluster(ClusterId.of("c" + i), tier, r.nextBoolean() ? "eu" : "us", all, all.minusClamped(used), node, nodes,
          new PowerProfile(idle, idle + 10 + r.nextInt(200), node.cpuMillis()), new Prices(0.01 + r.nextInt(50) / 1000.0, r.nextInt(10) / 1000.0),
          100, 1L << 40, r.nextInt(10) != 0));
      Map<String, Double> row = new HashMap<>();
      for (int j = i + 1; j < n; j++) row.put("c" + j, 1.0 + r.nextInt(60));
      rtt.put("c" + i, row);
      users.put("c" + i, 1.0 + r.nextInt(60));
    }
    int m = 1 + r.nextInt(maxComponents);
    List<ComponentSpec> components = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      List<String> talksTo = new ArrayList<>();
      for (int j = i + 1; j < m; j++) if (r.nextInt(3) == 0) talksTo.add("s" + j);
      Set<Tier> tiers = EnumSet.noneOf(Tier.class);
      if (r.nextInt(3) == 0) tiers.add(Tier.values()[r.nextInt(3)]);
      boolean singleton = r.nextInt(6) == 0;
      components.add(new ComponentSpec("s" + i, tiers, singleton ? 1 : 1 + r.nextInt(maxReplicas), new Resources(100L * (1 + r.nextInt(15)), (64L << 20) * (1 + r.nextInt(8))),
          talksTo, singleton, r.nextInt(2), Optional.of(new ImageSpec("x", List.of(), new TreeMap<>())), List.of()));
    }
    OptionalInt limit = r.nextBoolean() ? OptionalInt.of(20 + r.nextInt(60)) : OptionalInt.empty();
    List<String> userRegions = r.nextBoolean() ? List.of("eu") : List.of();
    QosSpec spec = new QosSpec("app" + (seed & 0xff), new TreeMap<>(), new QosWeights(r.nextInt(4), r.nextInt(4), 1 + r.nextInt(4)),
        new Constraints(limit, List.of(), userRegions), new FailoverPolicy(FailoverPolicy.Mode.AUTOMATIC, 1 + r.nextInt(2)), components,
        QosSpec.Format.QONNECT_V1);
    return new SmallInstances(new ClusterSnapshot(clusters, new LatencyMatrix(rtt, Map.of("eu", users))), spec);
  }

  /**
   * The same instance with latencies as agents measure them: each direction of a pair probed on its own
   * (so a→b and b→a differ a little), and some pairs not measured (yet) at all.
   */
  SmallInstances withMeasuredLatency(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    Map<String, Map<String, Double>> rtt = new HashMap<>();
    List<MemberCluster> clusters = snapshot.clusters();
    for (MemberCluster a : clusters) {
      Map<String, Double> row = new HashMap<>();
      for (MemberCluster b : clusters) {
        if (a.equals(b) || r.nextInt(8) == 0) continue;
        double base = snapshot.latency().between(a.id(), b.id()).orElse(30);
        row.put(b.id().value(), Math.max(0.5, base + r.nextInt(9) - 4));
      }
      rtt.put(a.id().value(), row);
    }
    Map<String, Double> users = new HashMap<>();
    for (MemberCluster x : clusters) snapshot.latency().fromUsers("eu", x.id()).ifPresent(ms -> users.put(x.id().value(), ms));
    return new SmallInstances(new ClusterSnapshot(clusters, new LatencyMatrix(rtt, Map.of("eu", users))), spec);
  }
}
