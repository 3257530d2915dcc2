package io.qonnect.placement.spec;

import io.qonnect.placement.yaml.YamlNode;
import io.qonnect.placement.yaml.YamlTreeReader;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns QoS spec YAML into a validated {@link QosSpec}, or into every violation with its field path and line.
 * Accepts {@code qonnect.io/v1} and the reference system's {@code swarmchestrate.tu-berlin.de/v1} descriptor.
 * Pure and thread-safe; never throws for bad input.
 */
public final class QosSpecParser {
  public static final String API_VERSION = "qonnect.io/v1";
  public static final String KIND = "Application";
  public static final int MAX_COMPONENTS = 100;
  public static final int MAX_REPLICAS = 1000;
  public static final int MAX_LIST = 100;
  public static final long MAX_CPU_MILLIS = 256_000;          // 256 cores per replica
  public static final long MAX_MEMORY_BYTES = 1L << 40;       // 1 TiB per replica
  public static final int MAX_LATENCY_MS = 60_000;

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> METADATA = Set.of("name", "labels");
  private static final Set<String> SPEC = Set.of("qos", "constraints", "failover", "podSecurity", "components");
  private static final Set<String> QOS = Set.of("energy", "cost", "performance");
  private static final Set<String> CONSTRAINTS = Set.of("maxLatencyMs", "regions", "userRegions");
  private static final Set<String> FAILOVER = Set.of("mode", "minClusters");
  private static final Set<String> COMPONENT = Set.of(
      "name", "tiers", "replicas", "resources", "talksTo", "singleton", "priority", "image", "ports", "env", "manifests");
  private static final Set<String> RESOURCES = Set.of("cpu", "memory");
  private static final Pattern LABEL_NAME = Pattern.compile("^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");
  private static final Pattern LABEL_VALUE = Pattern.compile("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$");
  private static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");

  private final YamlTreeReader reader;

  public QosSpecParser(YamlTreeReader reader) {
    this.reader = reader;
  }

  public QosSpecParser() {
    this(new YamlTreeReader());
  }

  /** Parses a text holding exactly one spec document. */
  public Parsed<QosSpec> parse(String text) {
    List<Parsed<QosSpec>> all = parseAll(text);
    if (all.size() == 1) return all.getFirst();
    if (all.isEmpty()) return invalid("", "the document is empty", 0);
    return invalid("", "expected one application, found " + all.size() + " documents (apply them one at a time)", 0);
  }

  /** Parses every document of a (possibly multi-document) text, in order. A syntax error yields one Invalid. */
  public List<Parsed<QosSpec>> parseAll(String text) {
    return switch (reader.read(text)) {
      case YamlTreeReader.Result.Failed f -> List.of(new Parsed.Invalid<>(List.of(
          new Violation("", f.problem().message(), f.problem().line(), f.problem().column()))));
      case YamlTreeReader.Result.Documents d -> d.documents().stream().map(this::parse).toList();
    };
  }

  /** Parses one document already read into a tree. */
  public Parsed<QosSpec> parse(YamlNode document) {
    FieldReader r = new FieldReader();
    if (!(document instanceof YamlNode.Mapping top)) {
      r.report("", "a QoS spec must be a mapping with apiVersion, kind, metadata and spec, not " + document.kindName(), document);
      return new Parsed.Invalid<>(r.violations());
    }
    Optional<String> apiVersion = r.string(top, "apiVersion", "", true);
    if (apiVersion.filter(ReferenceFormat.API_VERSION::equals).isPresent()) {
      return ReferenceFormat.parse(top, r);
    }
    apiVersion.filter(v -> !v.equals(API_VERSION)).ifPresent(v -> r.report("apiVersion",
        "'" + v + "' is not supported: use " + API_VERSION + " (or " + ReferenceFormat.API_VERSION + ")", top.get("apiVersion")));
    r.mapping(top, "", TOP);
    r.string(top, "kind", "", true).filter(k -> !k.equals(KIND))
        .ifPresent(k -> r.report("kind", "must be " + KIND + ", not '" + k + "'", top.get("kind")));

    String name = null;
    Map<String, String> labels = Map.of();
    Optional<YamlNode.Mapping> metadata = r.field(top, "metadata", "", true).flatMap(m -> r.mapping(m, "metadata", METADATA));
    if (metadata.isPresent()) {
      name = r.applicationName(metadata.get(), "name", "metadata").orElse(null);
      labels = labels(metadata.get(), "metadata", r);
    }

    QosWeights weights = QosWeights.EQUAL;
    Constraints constraints = Constraints.NONE;
    FailoverPolicy failover = FailoverPolicy.DEFAULT;
    List<ComponentSpec> components = List.of();
    PodSecurity podSecurity = PodSecurity.RESTRICTED;
    Optional<YamlNode.Mapping> spec = r.field(top, "spec", "", true).flatMap(s -> r.mapping(s, "spec", SPEC));
    if (spec.isPresent()) {
      YamlNode.Mapping s = spec.get();
      weights = r.field(s, "qos", "spec", false).flatMap(q -> r.mapping(q, "spec.qos", QOS))
          .map(q -> weights(q, "spec.qos", "energy", "cost", r)).orElse(QosWeights.EQUAL);
      constraints = r.field(s, "constraints", "spec", false).flatMap(c -> r.mapping(c, "spec.constraints", CONSTRAINTS))
          .map(c -> constraints(c, r)).orElse(Constraints.NONE);
      failover = r.field(s, "failover", "spec", false).flatMap(f -> r.mapping(f, "spec.failover", FAILOVER))
          .map(f -> failover(f, r)).orElse(FailoverPolicy.DEFAULT);
      podSecurity = podSecurity(s, r);
      components = components(s, r);
    }
    if (!r.ok()) return new Parsed.Invalid<>(r.violations());
    return new Parsed.Valid<>(new QosSpec(name, new TreeMap<>(labels), weights, constraints, failover, components, QosSpec.Format.QONNECT_V1,
        Optional.of(podSecurity)));
  }

  static Map<String, String> labels(YamlNode.Mapping metadata, String path, FieldReader r) {
    Map<String, String> labels = new TreeMap<>();
    r.field(metadata, "labels", path, false).ifPresent(l -> {
      String lp = FieldReader.join(path, "labels");
      if (!(l instanceof YamlNode.Mapping m)) {
        r.report(lp, "must be a mapping of strings, not " + l.kindName(), l);
        return;
      }
      for (YamlNode.Mapping.Entry e : m.entries().values()) {
        String p = FieldReader.join(lp, e.key());
        if (!LABEL_NAME.matcher(e.key()).matches()) r.report(p, "'" + e.key() + "' is not a valid label key", e.line(), e.column());
        if (!(e.value() instanceof YamlNode.Scalar s) || !(s.value() instanceof String v)) {
          r.report(p, "label values must be strings (quote it), not " + e.value().kindName(), e.value());
        } else if (!LABEL_VALUE.matcher(v).matches()) {
          r.report(p, "'" + v + "' is not a valid label value (at most 63 letters, digits, '-', '_', '.')", e.value());
        } else {
          labels.put(e.key(), v);
        }
      }
    });
    return labels;
  }

  /** Reads the three weights; {@code costKey} is "cost" here and "pricing" in the reference format. */
  static QosWeights weights(YamlNode.Mapping q, String path, String energyKey, String costKey, FieldReader r) {
    int before = r.violations().size();
    double energy = r.number(q, energyKey, path, false, 0, 1e6).orElse(0.0);
    double cost = r.number(q, costKey, path, false, 0, 1e6).orElse(0.0);
    double performance = r.number(q, "performance", path, false, 0, 1e6).orElse(0.0);
    if (r.violations().size() == before && energy + cost + performance == 0) {
      r.report(path, "at least one of " + energyKey + ", " + costKey + " and performance must be above 0", q);
    }
    return new QosWeights(energy, cost, performance);
  }

  private static Constraints constraints(YamlNode.Mapping c, FieldReader r) {
    String path = "spec.constraints";
    OptionalInt maxLatency = r.number(c, "maxLatencyMs", path, false, 0, MAX_LATENCY_MS)
        .filter(v -> {
          if (v > 0) return true;
          r.report(FieldReader.join(path, "maxLatencyMs"), "must be above 0", c.get("maxLatencyMs"));
          return false;
        })
        .map(v -> OptionalInt.of((int) Math.ceil(v))).orElse(OptionalInt.empty());
    List<String> regions = strings(c, "regions", path, r);
    List<String> userRegions = strings(c, "userRegions", path, r);
    return new Constraints(maxLatency, regions, userRegions);
  }

  private static List<String> strings(YamlNode.Mapping m, String key, String path, FieldReader r) {
    List<String> out = new ArrayList<>();
    String p = FieldReader.join(path, key);
    r.list(m, key, path, false, MAX_LIST).ifPresent(items -> {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < items.size(); i++) {
        int at = i;
        r.string(items.get(i), FieldReader.index(p, i)).ifPresent(s -> {
          if (s.isBlank()) r.report(FieldReader.index(p, at), "must not be empty", items.get(at));
          else if (!seen.add(s)) r.report(FieldReader.index(p, at), "'" + s + "' is listed twice", items.get(at));
          else out.add(s);
        });
      }
    });
    return out;
  }

  private static FailoverPolicy failover(YamlNode.Mapping f, FieldReader r) {
    String path = "spec.failover";
    FailoverPolicy.Mode mode = r.string(f, "mode", path, false).flatMap(m -> {
      for (FailoverPolicy.Mode candidate : FailoverPolicy.Mode.values()) {
        if (candidate.name().equalsIgnoreCase(m)) return Optional.of(candidate);
      }
      r.report(FieldReader.join(path, "mode"), "must be automatic or manual, not '" + m + "'", f.get("mode"));
      return Optional.empty();
    }).orElse(FailoverPolicy.Mode.AUTOMATIC);
    int minClusters = r.integer(f, "minClusters", path, false, 1, MAX_LIST).map(Long::intValue).orElse(1);
    return new FailoverPolicy(mode, minClusters);
  }

  /** {@code spec.podSecurity}: restricted (the default), baseline or privileged. */
  private static PodSecurity podSecurity(YamlNode.Mapping spec, FieldReader r) {
    return r.string(spec, "podSecurity", "spec", false).flatMap(level -> {
      Optional<PodSecurity> known = PodSecurity.fromLabel(level);
      if (known.isEmpty()) r.report("spec.podSecurity", "must be restricted, baseline or privileged, not '" + level + "'", spec.get("podSecurity"));
      return known;
    }).orElse(PodSecurity.RESTRICTED);
  }

  private static List<ComponentSpec> components(YamlNode.Mapping spec, FieldReader r) {
    Optional<List<YamlNode>> items = r.list(spec, "components", "spec", true, MAX_COMPONENTS);
    if (items.isEmpty()) return List.of();
    if (items.get().isEmpty()) {
      r.report("spec.components", "must list at least one component", spec.get("components"));
      return List.of();
    }
    List<ComponentSpec> out = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    List<YamlNode> nodes = items.get();
    for (int i = 0; i < nodes.size(); i++) {
      String path = FieldReader.index("spec.components", i);
      // Duplicate names are reported even when the component has other problems.
      if (nodes.get(i) instanceof YamlNode.Mapping m && m.get("name") instanceof YamlNode.Scalar n && n.value() instanceof String name) {
        Integer previous = firstIndex.putIfAbsent(name, i);
        if (previous != null) r.report(FieldReader.join(path, "name"), "'" + name + "' is already the name of spec.components[" + previous + "]", n);
      }
      r.mapping(nodes.get(i), path, COMPONENT).flatMap(m -> component(m, path, r)).ifPresent(out::add);
    }
    // talksTo is checked once all names are known.
    for (int i = 0; i < nodes.size(); i++) {
      if (!(nodes.get(i) instanceof YamlNode.Mapping m) || !(m.get("talksTo") instanceof YamlNode.Sequence s)) continue;
      String self = m.get("name") instanceof YamlNode.Scalar n && n.value() instanceof String str ? str : null;
      for (int j = 0; j < s.items().size(); j++) {
        if (!(s.items().get(j) instanceof YamlNode.Scalar t) || !(t.value() instanceof String target)) continue;
        String p = FieldReader.index(FieldReader.index("spec.components", i) + ".talksTo", j);
        if (target.equals(self)) {
          r.report(p, "a component cannot talk to itself", t);
        } else if (!firstIndex.containsKey(target)) {
          String guess = FieldReader.closest(target, firstIndex.keySet()).map(k -> " (did you mean '" + k + "'?)").orElse("");
          r.report(p, "no component is named '" + target + "'" + guess, t);
        }
      }
    }
    return out;
  }

  private static Optional<ComponentSpec> component(YamlNode.Mapping m, String path, FieldReader r) {
    int before = r.violations().size();
    String name = r.name(m, "name", path, true).orElse(null);
    Set<Tier> tiers = EnumSet.noneOf(Tier.class);
    List<String> tierNames = strings(m, "tiers", path, r);
    for (int i = 0; i < tierNames.size(); i++) {
      String t = tierNames.get(i);
      Optional<Tier> tier = Tier.fromYaml(t);
      if (tier.isPresent()) {
        tiers.add(tier.get());
      } else {
        String guess = FieldReader.closest(t, List.of("cloud", "fog", "edge")).map(k -> " (did you mean '" + k + "'?)").orElse("");
        r.report(FieldReader.index(path + ".tiers", i), "unknown tier '" + t + "': use cloud, fog or edge" + guess,
            ((YamlNode.Sequence) m.get("tiers")).items().get(i));
      }
    }
    Optional<Long> replicasField = r.integer(m, "replicas", path, false, 1, MAX_REPLICAS);
    boolean singleton = r.bool(m, "singleton", path).orElse(false);
    int priority = r.integer(m, "priority", path, false, -1000, 1000).map(Long::intValue).orElse(0);
    List<String> talksTo = strings(m, "talksTo", path, r);

    boolean hasImage = m.get("image") != null;
    boolean hasManifests = m.get("manifests") != null;
    if (hasImage == hasManifests) {
      r.report(path, hasImage ? "give either image or manifests, not both" : "needs an image or manifests", m);
    }
    Optional<ImageSpec> image = Optional.empty();
    if (hasImage) {
      image = r.string(m, "image", path, true).map(img -> {
        if (img.isBlank() || img.chars().anyMatch(Character::isWhitespace)) {
          r.report(FieldReader.join(path, "image"), "'" + img + "' is not a container image reference", m.get("image"));
        }
        return new ImageSpec(img, ports(m, path, r), env(m, path, r));
      });
    } else {
      for (String key : List.of("ports", "env")) {
        if (m.get(key) != null) r.report(FieldReader.join(path, key), "only goes with image (write it in the manifests instead)", m.get(key));
      }
    }
    List<Map<String, Object>> manifests = hasManifests
        ? r.list(m, "manifests", path, false, MAX_LIST).map(l -> ManifestRules.check(l, m.get("manifests"), path + ".manifests", r)).orElse(List.of())
        : List.of();

    Optional<Resources> resources = r.field(m, "resources", path, false)
        .flatMap(n -> r.mapping(n, path + ".resources", RESOURCES))
        .flatMap(rm -> {
          Optional<Long> cpu = r.quantity(rm, "cpu", path + ".resources", true, true, MAX_CPU_MILLIS);
          Optional<Long> mem = r.quantity(rm, "memory", path + ".resources", true, false, MAX_MEMORY_BYTES);
          return cpu.isPresent() && mem.isPresent() ? Optional.of(new Resources(cpu.get(), mem.get())) : Optional.empty();
        });
    if (m.get("resources") == null) {
      if (hasImage) r.report(FieldReader.join(path, "resources"), "is required with image (e.g. {cpu: 250m, memory: 256Mi})", m);
      else resources = ManifestRules.podRequests(manifests);
    }
    if (hasManifests && m.get("resources") == null && resources.isEmpty() && !manifests.isEmpty()) {
      r.report(FieldReader.join(path, "resources"), "is required when the manifests hold no Deployment, StatefulSet or ReplicaSet", m);
    }
    if (singleton && replicasField.filter(n -> n != 1).isPresent()) {
      r.report(FieldReader.join(path, "replicas"), "a singleton runs exactly 1 replica, not " + replicasField.get(), m.get("replicas"));
    }
    if (r.violations().size() > before) return Optional.empty();
    return Optional.of(new ComponentSpec(name, tiers, replicasField.map(Long::intValue).orElse(1), resources.orElseThrow(),
        talksTo, singleton, priority, image, manifests));
  }

  private static List<Integer> ports(YamlNode.Mapping m, String path, FieldReader r) {
    List<Integer> ports = new ArrayList<>();
    r.list(m, "ports", path, false, MAX_LIST).ifPresent(items -> {
      Set<Integer> seen = new LinkedHashSet<>();
      for (int i = 0; i < items.size(); i++) {
        String p = FieldReader.index(path + ".ports", i);
        if (items.get(i) instanceof YamlNode.Scalar s && s.value() instanceof Long port && port >= 1 && port <= 65535) {
          if (!seen.add(port.intValue())) r.report(p, "port " + port + " is listed twice", s);
          else ports.add(port.intValue());
        } else {
          r.report(p, "must be a port number from 1 to 65535", items.get(i));
        }
      }
    });
    return ports;
  }

  private static java.util.SortedMap<String, String> env(YamlNode.Mapping m, String path, FieldReader r) {
    java.util.SortedMap<String, String> env = new TreeMap<>();
    r.field(m, "env", path, false).ifPresent(e -> {
      String ep = FieldReader.join(path, "env");
      if (!(e instanceof YamlNode.Mapping em)) {
        r.report(ep, "must be a mapping of NAME: value, not " + e.kindName(), e);
        return;
      }
      for (YamlNode.Mapping.Entry entry : em.entries().values()) {
        String p = FieldReader.join(ep, entry.key());
        if (!ENV_NAME.matcher(entry.key()).matches()) r.report(p, "'" + entry.key() + "' is not a valid variable name", entry.line(), entry.column());
        if (entry.value() instanceof YamlNode.Scalar s && s.value() != null) env.put(entry.key(), s.text());
        else r.report(p, "must be a plain value, not " + entry.value().kindName(), entry.value());
      }
    });
    return env;
  }

  private static <T> Parsed<T> invalid(String path, String message, int line) {
    return new Parsed.Invalid<>(List.of(new Violation(path, message, line, 0)));
  }
}
