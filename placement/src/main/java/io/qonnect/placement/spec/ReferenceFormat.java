package io.qonnect.placement.spec;

import io.qonnect.placement.yaml.YamlNode;
import io.qonnect.placement.yaml.YamlTreeReader;
import java.util.LinkedHashMap;
import java.util.SortedMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reference system's descriptor ({@code swarmchestrate.tu-berlin.de/v1}): {@code metadata.qos}
 * {energy, pricing, performance} plus one plain manifest bundle per tier. Converted to the v1 model so its
 * users switch without rewriting anything: each bundle becomes one component pinned to its tier, named
 * after the tier; pricing becomes cost.
 *
 * <p>Bundles come inline under {@code spec.cloud}, {@code spec.fog} and {@code spec.edge} (lists of
 * objects). The CLI's {@code --bundle TIER=FILE} fills them from the reference system's separate files.
 */
public final class ReferenceFormat {
  public static final String API_VERSION = "swarmchestrate.tu-berlin.de/v1";
  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> METADATA = Set.of("name", "labels", "qos");
  private static final Set<String> QOS = Set.of("energy", "pricing", "performance");
  private static final Set<String> SPEC = Set.of("cloud", "fog", "edge");

  private ReferenceFormat() {}

  /**
   * Parses a reference descriptor together with its bundles, each the text of a (multi-document) manifest
   * file, as the reference system receives them. A violation inside a bundle has a path starting with
   * {@code spec.<tier>} and a line in that bundle's text.
   */
  public static Parsed<QosSpec> parseWithBundles(String descriptor, SortedMap<Tier, String> bundles, YamlTreeReader reader) {
    List<YamlNode> docs;
    switch (reader.read(descriptor)) {
      case YamlTreeReader.Result.Failed f -> {
        return new Parsed.Invalid<>(List.of(new Violation("", f.problem().message(), f.problem().line(), f.problem().column())));
      }
      case YamlTreeReader.Result.Documents d -> docs = d.documents();
    }
    if (docs.size() != 1 || !(docs.getFirst() instanceof YamlNode.Mapping top)) {
      return new Parsed.Invalid<>(List.of(new Violation("", "the descriptor must be one mapping document", 0, 0)));
    }
    LinkedHashMap<String, YamlNode.Mapping.Entry> spec = new LinkedHashMap<>();
    if (top.get("spec") instanceof YamlNode.Mapping existing) spec.putAll(existing.entries());
    List<Violation> problems = new ArrayList<>();
    for (var bundle : bundles.entrySet()) {
      String key = bundle.getKey().yamlName();
      if (spec.containsKey(key)) {
        problems.add(new Violation("spec." + key, "given both inline and as a bundle file", 0, 0));
        continue;
      }
      switch (reader.read(bundle.getValue())) {
        case YamlTreeReader.Result.Failed f -> problems.add(new Violation("spec." + key, f.problem().message(), f.problem().line(), f.problem().column()));
        case YamlTreeReader.Result.Documents d -> spec.put(key, new YamlNode.Mapping.Entry(key, 1, 1,
            new YamlNode.Sequence(d.documents().stream().filter(n -> !(n instanceof YamlNode.Scalar s && s.isNull())).toList(), 1, 1)));
      }
    }
    if (!problems.isEmpty()) return new Parsed.Invalid<>(problems);
    LinkedHashMap<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>(top.entries());
    entries.put("spec", new YamlNode.Mapping.Entry("spec", top.line(), top.column(), new YamlNode.Mapping(spec, top.line(), top.column())));
    return new QosSpecParser(reader).parse(new YamlNode.Mapping(entries, top.line(), top.column()));
  }

  static Parsed<QosSpec> parse(YamlNode.Mapping top, FieldReader r) {
    r.mapping(top, "", TOP);
    r.string(top, "kind", "", true).filter(k -> !k.equals(QosSpecParser.KIND))
        .ifPresent(k -> r.report("kind", "must be " + QosSpecParser.KIND + ", not '" + k + "'", top.get("kind")));
    String name = null;
    Map<String, String> labels = Map.of();
    QosWeights weights = QosWeights.EQUAL;
    Optional<YamlNode.Mapping> metadata = r.field(top, "metadata", "", true).flatMap(m -> r.mapping(m, "metadata", METADATA));
    if (metadata.isPresent()) {
      name = r.applicationName(metadata.get(), "name", "metadata").orElse(null);
      labels = QosSpecParser.labels(metadata.get(), "metadata", r);
      weights = r.field(metadata.get(), "qos", "metadata", false).flatMap(q -> r.mapping(q, "metadata.qos", QOS))
          .map(q -> QosSpecParser.weights(q, "metadata.qos", "energy", "pricing", r)).orElse(QosWeights.EQUAL);
    }
    List<ComponentSpec> components = new ArrayList<>();
    Optional<YamlNode.Mapping> spec = r.field(top, "spec", "", false).flatMap(s -> r.mapping(s, "spec", SPEC));
    if (spec.isPresent()) {
      for (Tier tier : Tier.values()) {
        r.list(spec.get(), tier.yamlName(), "spec", false, QosSpecParser.MAX_LIST)
            .map(objects -> ManifestRules.check(objects, spec.get().get(tier.yamlName()), "spec." + tier.yamlName(), r))
            .filter(objects -> !objects.isEmpty())
            .ifPresent(objects -> components.add(bundle(tier, objects)));
      }
    }
    if (components.isEmpty() && r.ok()) {
      r.report("spec", "no manifest bundle: give spec.cloud, spec.fog or spec.edge, or pass --bundle TIER=FILE to the CLI", top);
    }
    if (!r.ok()) return new Parsed.Invalid<>(r.violations());
    return new Parsed.Valid<>(new QosSpec(name, new TreeMap<>(labels), weights, Constraints.NONE,
        new FailoverPolicy(FailoverPolicy.Mode.AUTOMATIC, 1), components, QosSpec.Format.REFERENCE,
        java.util.Optional.of(PodSecurity.RESTRICTED))); // the format has no field for it: the default of ours
  }

  /** The reference system runs each bundle as is on one cluster of its tier: one component, pinned. */
  private static ComponentSpec bundle(Tier tier, List<Map<String, Object>> objects) {
    Resources perCopy = ManifestRules.podRequests(objects).orElse(ManifestRules.DEFAULT_CONTAINER);
    return new ComponentSpec(tier.yamlName(), Set.of(tier), ManifestRules.maxWorkloadReplicas(objects), perCopy,
        List.of(), false, 0, Optional.empty(), objects);
  }

}
