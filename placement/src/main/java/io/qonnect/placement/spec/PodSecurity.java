package io.qonnect.placement.spec;

import java.util.Optional;

/**
 * A Kubernetes Pod Security Admission level, strictest first: what an application's namespaces enforce in every
 * member cluster it runs in. {@code restricted} is the default; an application whose workloads need more (running
 * as root, added capabilities) asks for {@code baseline}, and only a member cluster whose agent allows it runs
 * {@code privileged} ones.
 */
public enum PodSecurity {
  RESTRICTED,
  BASELINE,
  PRIVILEGED;

  /** The spelling in specs and in the namespace label {@code pod-security.kubernetes.io/enforce}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<PodSecurity> fromLabel(String label) {
    for (PodSecurity level : values()) {
      if (level.label().equals(label)) return Optional.of(level);
    }
    return Optional.empty();
  }
}
