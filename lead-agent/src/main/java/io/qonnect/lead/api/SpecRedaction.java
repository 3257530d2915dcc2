package io.qonnect.lead.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What {@code describe} shows of a stored spec: the user's document with its secrets replaced by
 * {@value #REDACTED}: every value of an {@code env} (a mapping of names to values, or a list of name/value
 * entries) and every value under {@code data} and {@code stringData} of a manifest of kind Secret. Pure. A document
 * with nothing to redact is returned as written (comments included); a redacted one is written anew (without
 * its comments). Anyone allowed to read applications sees this; the full document stays in the replicated state.
 */
public final class SpecRedaction {
  public static final String REDACTED = "<redacted>";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private SpecRedaction() {}

  public static String redact(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      return "# (not shown: the stored document does not parse here: " + e.getClass().getSimpleName() + ")\n";
    }
    if (root == null || !redactIn(root)) return yaml;
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      return "# (not shown: " + e.getClass().getSimpleName() + ")\n";
    }
  }

  /** Redacts in place; whether anything was. */
  private static boolean redactIn(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode o) {
      boolean secret = o.path("kind").asText("").equals("Secret");
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        boolean sensitive = field.getKey().equals("env") || secret && (field.getKey().equals("data") || field.getKey().equals("stringData"));
        changed |= sensitive ? redactValues(field.getValue()) : redactIn(field.getValue());
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode item : a) changed |= redactIn(item);
    }
    return changed;
  }

  /** {@code name: value} entries, or a list of {@code {name, value}}: every value goes. */
  private static boolean redactValues(JsonNode node) {
    boolean changed = false;
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isValueNode()) {
          field.setValue(TextNode.valueOf(REDACTED));
          changed = true;
        } else {
          changed |= redactValues(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode item : a) {
        if (item instanceof ObjectNode entry && entry.has("value")) {
          entry.put("value", REDACTED);
          changed = true;
        } else {
          changed |= redactIn(item);
        }
      }
    }
    return changed;
  }
}
