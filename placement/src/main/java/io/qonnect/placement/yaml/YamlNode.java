package io.qonnect.placement.yaml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/** A YAML value with the position it was read from (1-based line and column). */
public sealed interface YamlNode {
  int line();

  int column();

  /** A human word for the node's kind, for error messages ("a mapping", "a list", "a string"). */
  String kindName();

  /** This node as plain Java: LinkedHashMap, ArrayList, String, Long, Double, Boolean or null. */
  Object toPlain();

  /** A mapping. Keys keep document order; duplicate keys are rejected by the reader. */
  record Mapping(SequencedMap<String, Entry> entries, int line, int column) implements YamlNode {
    public Mapping {
      entries = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(entries));
    }

    /** A key with its own position (for "unknown field" errors) and its value. */
    public record Entry(String key, int line, int column, YamlNode value) {}

    public YamlNode get(String key) {
      Entry e = entries.get(key);
      return e == null ? null : e.value();
    }

    @Override
    public String kindName() {
      return "a mapping";
    }

    @Override
    public Object toPlain() {
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach((k, e) -> out.put(k, e.value().toPlain()));
      return out;
    }
  }

  record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }

    @Override
    public String kindName() {
      return "a list";
    }

    @Override
    public Object toPlain() {
      List<Object> out = new ArrayList<>(items.size());
      items.forEach(i -> out.add(i.toPlain()));
      return out;
    }
  }

  /** A scalar. {@code value} is a String, Long, Double, Boolean or null (YAML null). */
  record Scalar(Object value, String text, int line, int column) implements YamlNode {
    public boolean isNull() {
      return value == null;
    }

    @Override
    public String kindName() {
      if (value == null) return "null";
      if (value instanceof String) return "a string";
      if (value instanceof Boolean) return "a boolean";
      return "a number";
    }

    @Override
    public Object toPlain() {
      return value;
    }
  }
}
