package io.qonnect.testbed.sim;

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

/**
 * Random but plausible placement problems: member clusters in three tiers and three regions, with latency
 * from positions on a plane, and applications whose components call each other. Same seed, same instance.
 */
public final class RandomInstances {
  static final List<String> REGIONS = List.of("eu-central", "eu-west", "us-east");
  private static final double[][] REGION_CENTRE = {{0, 0}, {15, 5}, {90, 20}};

  private final SplittableRandom random;

  public RandomInstances(long seed) {
    this.random = new SplittableRandom(seed);
  }

  public ClusterSnapshot snapshot(int clusters) {
    List<MemberCluster> out = new ArrayList<>();
    double[][] position = new double[clusters][];
    String[] names = new String[clusters];
    Tier[] tiers = new Tier[clusters];
    String[] regions = new String[clusters];
    for (int i = 0; i < clusters; i++) {
      Tier tier = Tier.values()[i % 3];
      int r = random.nextInt(REGIONS.size());
      names[i] = tier.yamlName() + "-" + (i + 1);
      tiers[i] = tier;
      regions[i] = REGIONS.get(r);
      position[i] = new double[] {REGION_CENTRE[r][0] + random.nextDouble(-6, 6), REGION_CENTRE[r][1] + random.nextDouble(-6, 6)};
      out.add(cluster(names[i], tier, regions[i]));
    }
    Map<String, Map<String, Double>> rtt = new HashMap<>();
    for (int i = 0; i < clusters; i++) {
      Map<String, Double> row = new HashMap<>();
      for (int j = i + 1; j < clusters; j++) {
        row.put(names[j], round(distance(position[i], position[j]) + hop(tiers[i]) + hop(tiers[j])));
      }
      rtt.put(names[i], row);
    }
    Map<String, Map<String, Double>> users = new TreeMap<>();
    for (int r = 0; r < REGIONS.size(); r++) {
      Map<String, Double> row = new HashMap<>();
      for (int i = 0; i < clusters; i++) row.put(names[i], round(distance(REGION_CENTRE[r], position[i]) + 2 * hop(tiers[i])));
      users.put(REGIONS.get(r), row);
    }
    return new ClusterSnapshot(out, new LatencyMatrix(rtt, users));
  }

  /** An application of {@code components} components; component i > 0 is called by an earlier one. */
  public QosSpec application(String name, int components) {
    List<ComponentSpec> list = new ArrayList<>();
    List<List<String>> talksTo = new ArrayList<>();
    for (int i = 0; i < components; i++) talksTo.add(new ArrayList<>());
    for (int i = 1; i < components; i++) talksTo.get(random.nextInt(i)).add("c" + i);
    for (int i = 0; i < components; i++) {
      boolean singleton = random.nextInt(10) == 0;
      Set<Tier> tiers = EnumSet.noneOf(Tier.class);
      if (random.nextBoolean()) {
        for (Tier t : Tier.values()) if (random.nextBoolean()) tiers.add(t);
      }
      Resources each = new Resources(100 + 50L * random.nextInt(19), (128L << 20) * (1 + random.nextInt(12)));
      list.add(new ComponentSpec("c" + i, tiers, singleton ? 1 : 1 + random.nextInt(4), each, talksTo.get(i), singleton,
          random.nextInt(3), Optional.of(new ImageSpec("example.org/c" + i + ":1", List.of(8080), new TreeMap<>())), List.of()));
    }
    QosWeights weights = new QosWeights(random.nextDouble(), random.nextDouble(), random.nextDouble() + 0.01);
    OptionalInt maxLatency = random.nextInt(3) == 0 ? OptionalInt.empty() : OptionalInt.of(60 + random.nextInt(120));
    List<String> users = random.nextBoolean() ? List.of(REGIONS.get(random.nextInt(2))) : List.of();
    return new QosSpec(name, new TreeMap<>(), weights, new Constraints(maxLatency, List.of(), users),
        new FailoverPolicy(FailoverPolicy.Mode.AUTOMATIC, 1 + random.nextInt(2)), list, QosSpec.Format.QONNECT_V1);
  }

  private MemberCluster cluster(String name, Tier tier, String region) {
    double j = random.nextDouble(0.7, 1.3);
    int nodes;
    Resources node;
    PowerProfile power;
    Prices prices;
    switch (tier) {
      case CLOUD -> {
        nodes = 2 + random.nextInt(6);
        node = new Resources(32_000, 128L << 30);
        power = new PowerProfile(180 * j, 520 * j, 32_000);
        prices = new Prices(0.020 * j, 0.0025 * j);
      }
      case FOG -> {
        nodes = 2 + random.nextInt(3);
        node = new Resources(8_000, 32L << 30);
        power = new PowerProfile(60 * j, 180 * j, 8_000);
        prices = new Prices(0.032 * j, 0.004 * j);
      }
      default -> {
        nodes = 1 + random.nextInt(3);
        node = new Resources(4_000, 8L << 30);
        power = new PowerProfile(4 * j, 12 * j, 4_000);
        prices = new Prices(0.045 * j, 0.006 * j);
      }
    }
    Resources allocatable = node.times(nodes);
    double usedShare = random.nextDouble(0, 0.8);
    Resources used = new Resources((long) (allocatable.cpuMillis() * usedShare), (long) (allocatable.memoryBytes() * usedShare));
    return new MemberCluster(ClusterId.of(name), tier, region, allocatable, allocatable.minusClamped(used), node, nodes, power, prices,
        tier == Tier.CLOUD ? 10_000 : tier == Tier.FOG ? 2_000 : 500, tier == Tier.CLOUD ? 4L << 40 : 1L << 40, true);
  }

  private static double hop(Tier t) {
    return switch (t) {
      case EDGE -> 2;
      case FOG -> 4;
      case CLOUD -> 12;
    };
  }

  private static double distance(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }

  private static double round(double ms) {
    return Math.round(ms * 10) / 10.0;
  }
}
