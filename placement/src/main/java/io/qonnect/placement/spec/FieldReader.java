package io.qonnect.placement.spec;

import io.qonnect.names.DnsLabel;
import io.qonnect.placement.yaml.YamlNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed fields out of a located YAML tree and collects every violation with its path and position,
 * so a document reports all of its problems at once. Shared by the spec and inventory parsers.
 */
public final class FieldReader {

  private final List<Violation> violations = new ArrayList<>();

  public List<Violation> violations() {
    return List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }

  public void report(String path, String message, YamlNode at) {
    violations.add(new Violation(path, message, at == null ? 0 : at.line(), at == null ? 0 : at.column()));
  }

  public void report(String path, String message, int line, int column) {
    violations.add(new Violation(path, message, line, column));
  }

  /** The node as a mapping whose keys are all in {@code known}; unknown keys are reported, with a guess. */
  public Optional<YamlNode.Mapping> mapping(YamlNode node, String path, Set<String> known) {
    if (!(node instanceof YamlNode.Mapping m)) {
      report(path, "must be a mapping, not " + node.kindName(), node);
      return Optional.empty();
    }
    for (YamlNode.Mapping.Entry e : m.entries().values()) {
      if (!known.contains(e.key())) {
        String guess = closest(e.key(), known).map(k -> " (did you mean '" + k + "'?)").orElse("");
        report(join(path, e.key()), "unknown field" + guess, e.line(), e.column());
      }
    }
    return Optional.of(m);
  }

  /** A present field's value, or empty; reports a missing required field at the mapping. */
  public Optional<YamlNode> field(YamlNode.Mapping m, String key, String path, boolean required) {
    YamlNode v = m.get(key);
    if (v == null || (v instanceof YamlNode.Scalar s && s.isNull())) {
      if (required) report(join(path, key), "is required", m);
      return Optional.empty();
    }
    return Optional.of(v);
  }

  public Optional<List<YamlNode>> list(YamlNode.Mapping m, String key, String path, boolean required, int maxItems) {
    return field(m, key, path, required).flatMap(v -> {
      if (!(v instanceof YamlNode.Sequence s)) {
        report(join(path, key), "must be a list, not " + v.kindName(), v);
        return Optional.empty();
      }
      if (s.items().size() > maxItems) {
        report(join(path, key), "has " + s.items().size() + " items; the limit is " + maxItems, v);
        return Optional.empty();
      }
      return Optional.of(s.items());
    });
  }

  public Optional<String> string(YamlNode node, String path) {
    if (node instanceof YamlNode.Scalar s && s.value() instanceof String str) return Optional.of(str);
    report(path, "must be a string, not " + node.kindName(), node);
    return Optional.empty();
  }

  public Optional<String> string(YamlNode.Mapping m, String key, String path, boolean required) {
    return field(m, key, path, required).flatMap(v -> string(v, join(path, key)));
  }

  /** A DNS-1123 label ({@link DnsLabel}: component and cluster names). */
  public Optional<String> name(YamlNode.Mapping m, String key, String path, boolean required) {
    return string(m, key, path, required).filter(n -> {
      if (DnsLabel.isValid(n)) return true;
      report(join(path, key), "'" + n + "' is not a valid name: use at most " + DnsLabel.MAX + " lower-case letters, digits and '-',"
          + " starting and ending with a letter or digit", m.get(key));
      return false;
    });
  }

  /** An application's name: a DNS-1123 label that still is one as its namespace in member clusters, {@code qonnect-NAME}. */
  public Optional<String> applicationName(YamlNode.Mapping m, String key, String path) {
    return name(m, key, path, true).filter(n -> {
      if (n.length() <= DnsLabel.MAX_APPLICATION) return true;
      report(join(path, key), "'" + n + "' is too long for an application: its namespace qonnect-" + n + " would have "
          + ("qonnect-".length() + n.length()) + " characters, at most " + DnsLabel.MAX, m.get(key));
      return false;
    });
  }

  public Optional<Double> number(YamlNode.Mapping m, String key, String path, boolean required, double min, double max) {
    return field(m, key, path, required).flatMap(v -> {
      String p = join(path, key);
      if (!(v instanceof YamlNode.Scalar s) || !(s.value() instanceof Number n)) {
        report(p, "must be a number, not " + v.kindName(), v);
        return Optional.empty();
      }
      double d = n.doubleValue();
      if (!Double.isFinite(d) || d < min || d > max) {
        report(p, "must be between " + fmt(min) + " and " + fmt(max) + ", not " + s.text(), v);
        return Optional.empty();
      }
      return Optional.of(d);
    });
  }

  public Optional<Long> integer(YamlNode.Mapping m, String key, String path, boolean required, long min, long max) {
    return field(m, key, path, required).flatMap(v -> {
      String p = join(path, key);
      if (!(v instanceof YamlNode.Scalar s) || !(s.value() instanceof Long n)) {
        report(p, "must be a whole number, not " + (v instanceof YamlNode.Scalar s2 ? "'" + s2.text() + "'" : v.kindName()), v);
        return Optional.empty();
      }
      if (n < min || n > max) {
        report(p, "must be between " + min + " and " + max + ", not " + n, v);
        return Optional.empty();
      }
      return Optional.of(n);
    });
  }

  public Optional<Boolean> bool(YamlNode.Mapping m, String key, String path) {
    return field(m, key, path, false).flatMap(v -> {
      if (v instanceof YamlNode.Scalar s && s.value() instanceof Boolean b) return Optional.of(b);
      report(join(path, key), "must be true or false, not " + v.kindName(), v);
      return Optional.empty();
    });
  }

  /** A Kubernetes quantity as millicores (cpu) or bytes (memory), within [1, max]. */
  public Optional<Long> quantity(YamlNode.Mapping m, String key, String path, boolean required, boolean cpu, long max) {
    return field(m, key, path, required).flatMap(v -> {
      String p = join(path, key);
      if (!(v instanceof YamlNode.Scalar s) || s.value() == null || s.value() instanceof Boolean) {
        report(p, "must be a quantity such as " + (cpu ? "250m or 1.5" : "256Mi or 1G") + ", not " + v.kindName(), v);
        return Optional.empty();
      }
      Optional<Long> parsed = cpu ? Quantities.cpuMillis(s.text()) : Quantities.bytes(s.text());
      if (parsed.isEmpty()) {
        report(p, "'" + s.text() + "' is not a Kubernetes quantity (e.g. " + (cpu ? "250m, 1.5, 2" : "256Mi, 1Gi, 512M") + ")", v);
        return Optional.empty();
      }
      long value = parsed.get();
      if (value < 1 || value > max) {
        String limit = cpu ? Quantities.formatCpu(max) : Quantities.formatMemory(max);
        report(p, "must be more than 0 and at most " + limit + ", not " + s.text(), v);
        return Optional.empty();
      }
      return Optional.of(value);
    });
  }

  public static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** The known word closest to {@code word} within edit distance 2 (or equal ignoring case). */
  public static Optional<String> closest(String word, Collection<String> known) {
    return known.stream()
        .filter(k -> k.equalsIgnoreCase(word) || distance(k.toLowerCase(), word.toLowerCase()) <= 2)
        .min(Comparator.comparingInt((String k) -> distance(k.toLowerCase(), word.toLowerCase())).thenComparing(k -> k));
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
