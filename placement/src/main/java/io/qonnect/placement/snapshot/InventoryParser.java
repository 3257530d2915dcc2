package io.qonnect.placement.snapshot;

import io.qonnect.placement.spec.FieldReader;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.Resources;
import io.qonnect.placement.spec.Tier;
import io.qonnect.placement.spec.Violation;
import io.qonnect.placement.yaml.YamlNode;
import io.qonnect.placement.yaml.YamlTreeReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a {@code kind: ClusterInventory} document (the member clusters, their capacity, power, prices and
 * latencies) into a {@link ClusterSnapshot}. The offline planner's input; the testbed writes one, and the
 * knowledge base produces the same data for the lead agents. Reports every violation at once.
 *
 * <pre>
 * spec:
 *   clusters:
 *     - name: cloud-1
 *       tier: cloud
 *       region: eu-central
 *       nodes: {count: 3, cpu: 32, memory: 128Gi, idleWatts: 180, maxWatts: 520, bandwidthMbps: 10000, storage: 2Ti}
 *       used: {cpu: 12, memory: 40Gi}          # optional, default nothing used
 *       prices: {perCoreHour: 0.021, perGiBHour: 0.0028}
 *       latencyMs: {cloud-2: 9, fog-1: 24}     # round trip to other member clusters
 *       userLatencyMs: {eu-central: 38}        # round trip from users in a region
 *       schedulable: true                      # optional
 * </pre>
 */
public final class InventoryParser {
  public static final String KIND = "ClusterInventory";
  public static final int MAX_CLUSTERS = 5000;
  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> SPEC = Set.of("clusters");
  private static final Set<String> CLUSTER = Set.of("name", "tier", "region", "nodes", "used", "prices", "latencyMs", "userLatencyMs", "schedulable");
  private static final Set<String> NODES = Set.of("count", "cpu", "memory", "idleWatts", "maxWatts", "bandwidthMbps", "storage");
  private static final Set<String> USED = Set.of("cpu", "memory");
  private static final Set<String> PRICES = Set.of("perCoreHour", "perGiBHour");

  private final YamlTreeReader reader;

  public InventoryParser(YamlTreeReader reader) {
    this.reader = reader;
  }

  public InventoryParser() {
    this(new YamlTreeReader());
  }

  public Parsed<ClusterSnapshot> parse(String text) {
    return switch (reader.read(text)) {
      case YamlTreeReader.Result.Failed f -> new Parsed.Invalid<>(List.of(
          new Violation("", f.problem().message(), f.problem().line(), f.problem().column())));
      case YamlTreeReader.Result.Documents d when d.documents().size() != 1 -> new Parsed.Invalid<>(List.of(
          new Violation("", "expected one ClusterInventory document, found " + d.documents().size(), 0, 0)));
      case YamlTreeReader.Result.Documents d -> parse(d.documents().getFirst());
    };
  }

  private Parsed<ClusterSnapshot> parse(YamlNode document) {
    FieldReader r = new FieldReader();
    Optional<YamlNode.Mapping> top = r.mapping(document, "", TOP);
    if (top.isEmpty()) return new Parsed.Invalid<>(r.violations());
    r.string(top.get(), "kind", "", true).filter(k -> !k.equals(KIND))
        .ifPresent(k -> r.report("kind", "must be " + KIND + ", not '" + k + "'", top.get().get("kind")));
    List<YamlNode> items = r.field(top.get(), "spec", "", true).flatMap(s -> r.mapping(s, "spec", SPEC))
        .flatMap(s -> r.list(s, "clusters", "spec", true, MAX_CLUSTERS)).orElse(List.of());

    Set<String> names = new java.util.HashSet<>();
    for (YamlNode item : items) {
      if (item instanceof YamlNode.Mapping m && m.get("name") instanceof YamlNode.Scalar s && s.value() instanceof String n) names.add(n);
    }
    List<MemberCluster> clusters = new ArrayList<>();
    SortedMap<String, SortedMap<String, Double>> clusterRtt = new TreeMap<>();
    SortedMap<String, SortedMap<String, Double>> userRtt = new TreeMap<>();
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String path = FieldReader.index("spec.clusters", i);
      Optional<YamlNode.Mapping> m = r.mapping(items.get(i), path, CLUSTER);
      if (m.isEmpty()) continue;
      cluster(m.get(), path, names, r, clusterRtt, userRtt).ifPresent(c -> {
        if (!seen.add(c.id().value())) r.report(path + ".name", "cluster '" + c.id() + "' is listed twice", m.get().get("name"));
        else clusters.add(c);
      });
    }
    if (items.isEmpty() && r.ok()) r.report("spec.clusters", "must list at least one member cluster", top.get());
    if (!r.ok()) return new Parsed.Invalid<>(r.violations());
    return new Parsed.Valid<>(new ClusterSnapshot(clusters, new LatencyMatrix(clusterRtt, userRtt)));
  }

  private static Optional<MemberCluster> cluster(YamlNode.Mapping m, String path, Set<String> names, FieldReader r,
      Map<String, SortedMap<String, Double>> clusterRtt, Map<String, SortedMap<String, Double>> userRtt) {
    int before = r.violations().size();
    Optional<String> name = r.name(m, "name", path, true);
    Optional<Tier> tier = r.string(m, "tier", path, true).flatMap(t -> {
      Optional<Tier> parsed = Tier.fromYaml(t);
      if (parsed.isEmpty()) r.report(path + ".tier", "unknown tier '" + t + "': use cloud, fog or edge", m.get("tier"));
      return parsed;
    });
    String region = r.string(m, "region", path, true).orElse("");
    Optional<YamlNode.Mapping> nodes = r.field(m, "nodes", path, true).flatMap(n -> r.mapping(n, path + ".nodes", NODES));
    long count = 0;
    Resources node = Resources.ZERO;
    PowerProfile power = null;
    double bandwidth = 0;
    long storage = 0;
    if (nodes.isPresent()) {
      String np = path + ".nodes";
      YamlNode.Mapping n = nodes.get();
      count = r.integer(n, "count", np, true, 1, 100_000).orElse(0L);
      long cpu = r.quantity(n, "cpu", np, true, true, 1_000_000_000L).orElse(0L);
      long mem = r.quantity(n, "memory", np, true, false, 1L << 50).orElse(0L);
      node = new Resources(cpu, mem);
      double idle = r.number(n, "idleWatts", np, true, 0, 1e6).orElse(0.0);
      double max = r.number(n, "maxWatts", np, true, 0, 1e6).orElse(0.0);
      if (max < idle) r.report(np + ".maxWatts", "must be at least idleWatts (" + idle + ")", n.get("maxWatts"));
      else if (cpu > 0) power = new PowerProfile(idle, max, cpu);
      bandwidth = r.number(n, "bandwidthMbps", np, false, 0, 1e9).orElse(0.0);
      storage = r.quantity(n, "storage", np, false, false, 1L << 60).orElse(0L);
    }
    Resources allocatable = node.times(Math.max(count, 0));
    Resources used = r.field(m, "used", path, false).flatMap(u -> r.mapping(u, path + ".used", USED)).map(u -> new Resources(
        usedQuantity(u, "cpu", path + ".used", true, r), usedQuantity(u, "memory", path + ".used", false, r))).orElse(Resources.ZERO);
    Optional<Prices> prices = r.field(m, "prices", path, true).flatMap(p -> r.mapping(p, path + ".prices", PRICES)).flatMap(p -> {
      Optional<Double> core = r.number(p, "perCoreHour", path + ".prices", true, 0, 1e6);
      Optional<Double> gib = r.number(p, "perGiBHour", path + ".prices", true, 0, 1e6);
      return core.isPresent() && gib.isPresent() ? Optional.of(new Prices(core.get(), gib.get())) : Optional.empty();
    });
    boolean schedulable = r.bool(m, "schedulable", path).orElse(true);
    latencies(m, "latencyMs", path, names, r).ifPresent(row -> name.ifPresent(n -> clusterRtt.put(n, row)));
    latencies(m, "userLatencyMs", path, null, r).ifPresent(row -> name.ifPresent(n ->
        row.forEach((region2, ms) -> userRtt.computeIfAbsent(region2, k -> new TreeMap<>()).put(n, ms))));
    if (r.violations().size() > before || tier.isEmpty() || power == null || prices.isEmpty()) return Optional.empty();
    return Optional.of(new MemberCluster(ClusterId.of(name.orElseThrow()), tier.get(), region, allocatable,
        allocatable.minusClamped(used), node, (int) count, power, prices.get(), bandwidth, storage, schedulable));
  }

  private static long usedQuantity(YamlNode.Mapping u, String key, String path, boolean cpu, FieldReader r) {
    YamlNode v = u.get(key);
    if (v instanceof YamlNode.Scalar s && s.value() instanceof Number n && n.doubleValue() == 0) return 0;
    return r.quantity(u, key, path, false, cpu, Long.MAX_VALUE).orElse(0L);
  }

  /** A mapping of name → milliseconds; cluster names are checked against the inventory when given. */
  private static Optional<SortedMap<String, Double>> latencies(YamlNode.Mapping m, String key, String path, Set<String> clusterNames, FieldReader r) {
    return r.field(m, key, path, false).flatMap(node -> {
      String p = FieldReader.join(path, key);
      if (!(node instanceof YamlNode.Mapping lm)) {
        r.report(p, "must be a mapping of name: milliseconds, not " + node.kindName(), node);
        return Optional.empty();
      }
      SortedMap<String, Double> row = new TreeMap<>();
      for (YamlNode.Mapping.Entry e : lm.entries().values()) {
        if (clusterNames != null && !clusterNames.contains(e.key())) {
          String guess = FieldReader.closest(e.key(), clusterNames).map(k -> " (did you mean '" + k + "'?)").orElse("");
          r.report(FieldReader.join(p, e.key()), "no member cluster is named '" + e.key() + "'" + guess, e.line(), e.column());
          continue;
        }
        r.number(lm, e.key(), p, true, 0, 600_000).ifPresent(ms -> row.put(e.key(), ms));
      }
      return Optional.of(row);
    });
  }
}
