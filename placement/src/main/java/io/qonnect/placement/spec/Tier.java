package io.qonnect.placement.spec;

import java.util.Locale;
import java.util.Optional;

/** Where a member cluster sits: big and far (cloud), regional (fog), small and close to users (edge). */
public enum Tier {
  CLOUD,
  FOG,
  EDGE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Tier> fromYaml(String name) {
    for (Tier t : values()) if (t.yamlName().equals(name)) return Optional.of(t);
    return Optional.empty();
  }
}
