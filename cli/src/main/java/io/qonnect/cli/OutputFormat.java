package io.qonnect.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** kubectl's {@code -o}: human text, or the same data as JSON or YAML for scripts. */
public enum OutputFormat {
  TEXT,
  WIDE,
  JSON,
  YAML;

  private static final ObjectMapper JSON_MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML_MAPPER = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

  /** Parses {@code -o} values case-insensitively ("json", "yaml", "wide"). */
  public static OutputFormat parse(String value) {
    for (OutputFormat f : values()) if (f.name().equalsIgnoreCase(value)) return f;
    throw new QonnectMain.UserError("-o " + value + ": use json, yaml or wide (or leave it out for text)");
  }

  public boolean structured() {
    return this == JSON || this == YAML;
  }

  /** A proto message as JSON (protobuf's canonical mapping) or YAML. */
  public String writeProto(com.google.protobuf.MessageOrBuilder message) {
    try {
      String json = com.google.protobuf.util.JsonFormat.printer().includingDefaultValueFields().print(message);
      return this == JSON ? json : YAML_MAPPER.writeValueAsString(JSON_MAPPER.readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialise output", e);
    }
  }

  public String write(Object data) {
    try {
      return this == JSON ? JSON_MAPPER.writeValueAsString(data) : YAML_MAPPER.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise output", e);
    }
  }
}
