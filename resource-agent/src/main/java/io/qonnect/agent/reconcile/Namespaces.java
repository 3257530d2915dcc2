package io.qonnect.agent.reconcile;

import io.qonnect.names.DnsLabel;
import io.qonnect.proto.v1.PodSecurity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which namespace an application gets in a member cluster, and which namespaces qonnect never touches. The
 * application's namespace is its name behind a prefix (default {@value #DEFAULT_PREFIX}), so an application
 * named like an existing namespace ({@code monitoring}, {@code default}) lands beside it, not in it. The
 * reserved names are a second lock: the system namespaces, the agent's own, and whatever the operator adds.
 *
 * <p>Each application namespace enforces a Pod Security Admission level: the one its spec asks for ({@code restricted}
 * unless it says otherwise), if it is no more permissive than {@code maxPodSecurity}, what this member cluster's
 * operator allows (default {@value #DEFAULT_MAX_POD_SECURITY}: no privileged pods, host namespaces or host paths). An
 * application stored before specs had a level gets the maximum, as before. Anything short of {@code restricted} is
 * warned about and audited, so an operator sees what the strictest level would refuse.
 */
public record Namespaces(String prefix, Set<String> reserved, String maxPodSecurity) {
  public static final String DEFAULT_MAX_POD_SECURITY = "baseline";
  /** Strictest first. */
  public static final List<String> POD_SECURITY_LEVELS = List.of("restricted", "baseline", "privileged");

  public Namespaces(String prefix, Set<String> reserved) {
    this(prefix, reserved, DEFAULT_MAX_POD_SECURITY);
  }

  /** The level an application's namespace enforces when it asks for {@code asked}. */
  public String podSecurityOf(PodSecurity asked) {
    return switch (asked) {
      case POD_SECURITY_RESTRICTED -> "restricted";
      case POD_SECURITY_BASELINE -> "baseline";
      case POD_SECURITY_PRIVILEGED -> "privileged";
      case POD_SECURITY_UNSPECIFIED, UNRECOGNIZED -> maxPodSecurity;
    };
  }

  /** Why this member cluster does not run an application at {@code level}, or empty when it does. */
  public String podSecurityProblem(String level) {
    if (POD_SECURITY_LEVELS.indexOf(level) <= POD_SECURITY_LEVELS.indexOf(maxPodSecurity)) return "";
    return "it asks for Pod Security level " + level + "; this member cluster allows at most " + maxPodSecurity
        + " (the agent's --pod-security)";
  }

  /** The namespace labels that set its Pod Security Admission levels. */
  public static Map<String, String> podSecurityLabels(String level) {
    return Map.of("pod-security.kubernetes.io/enforce", level, "pod-security.kubernetes.io/enforce-version", "latest",
        "pod-security.kubernetes.io/warn", "restricted", "pod-security.kubernetes.io/audit", "restricted");
  }

  public static final String DEFAULT_PREFIX = "qonnect-";
  public static final Set<String> SYSTEM = Set.of("default", "kube-system", "kube-public", "kube-node-lease", "qonnect-system", "qonnect-agent");

  public Namespaces {
    if (!POD_SECURITY_LEVELS.contains(maxPodSecurity)) throw new IllegalArgumentException("pod security level " + maxPodSecurity);
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
