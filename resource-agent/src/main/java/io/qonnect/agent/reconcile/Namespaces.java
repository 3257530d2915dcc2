package io.qonnect.agent.reconcile;

import io.qonnect.names.DnsLabel;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which namespace an application gets in a member cluster, and which namespaces qonnect never touches. The
 * application's namespace is its name behind a prefix (default {@value #DEFAULT_PREFIX}), so an application
 * named like an existing namespace ({@code monitoring}, {@code default}) lands beside it, not in it. The
 * reserved names are a second lock: the system namespaces, the agent's own, and whatever the operator adds.
 *
 * <p>Each application namespace carries a Pod Security Admission level: {@code podSecurity} is enforced
 * (default {@value #DEFAULT_POD_SECURITY}: no privileged pods, host namespaces or host paths), and anything short
 * of {@code restricted} is warned about and audited, so an operator sees what a stricter level would refuse.
 */
public record Namespaces(String prefix, Set<String> reserved, String podSecurity) {
  public static final String DEFAULT_POD_SECURITY = "baseline";
  public static final Set<String> POD_SECURITY_LEVELS = Set.of("privileged", "baseline", "restricted");

  public Namespaces(String prefix, Set<String> reserved) {
    this(prefix, reserved, DEFAULT_POD_SECURITY);
  }

  /** The namespace labels that set its Pod Security Admission levels. */
  public java.util.Map<String, String> podSecurityLabels() {
    return java.util.Map.of("pod-security.kubernetes.io/enforce", podSecurity, "pod-security.kubernetes.io/enforce-version", "latest",
        "pod-security.kubernetes.io/warn", "restricted", "pod-security.kubernetes.io/audit", "restricted");
  }

  public static final String DEFAULT_PREFIX = "qonnect-";
  public static final Set<String> SYSTEM = Set.of("default", "kube-system", "kube-public", "kube-node-lease", "qonnect-system", "qonnect-agent");

  public Namespaces {
    if (!POD_SECURITY_LEVELS.contains(podSecurity)) throw new IllegalArgumentException("pod security level " + podSecurity);
    Set<String> all = new TreeSet<>(SYSTEM);
    all.addAll(reserved);
    reserved = Set.copyOf(all);
  }

  public static Namespaces defaults() {
    return new Namespaces(DEFAULT_PREFIX, Set.of());
  }

  public String of(String application) {
    return prefix + application;
  }

  /** Why an application cannot have its namespace here, or empty when it can. */
  public String problem(String application) {
    String ns = of(application);
    if (reserved.contains(ns)) return "namespace " + ns + " is reserved in this member cluster";
    if (!DnsLabel.isValid(ns)) return DnsLabel.problem("namespace", ns);
    return "";
  }

  public boolean isReserved(String namespace) {
    return reserved.contains(namespace);
  }
}
