package io.qonnect.agent.reconcile;

import io.qonnect.names.DnsLabel;
import io.qonnect.proto.v1.PodSecurity;
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
public record Namespaces(String prefix, Set<String> reserved, PodSecurity maxPodSecurity) {
  public static final PodSecurity DEFAULT_MAX_POD_SECURITY = PodSecurity.POD_SECURITY_BASELINE;

  public Namespaces(String prefix, Set<String> reserved) {
    this(prefix, reserved, DEFAULT_MAX_POD_SECURITY);
  }

  /** The level an application's namespace enforces when it asks for {@code asked}: the maximum if it asks for none. */
  public PodSecurity podSecurityOf(PodSecurity asked) {
    return asked == PodSecurity.POD_SECURITY_UNSPECIFIED || asked == PodSecurity.UNRECOGNIZED ? maxPodSecurity : asked;
  }

  /** Why this member cluster does not run an application at {@code level}, or empty when it does. */
  public String podSecurityProblem(PodSecurity level) {
    if (level.getNumber() <= maxPodSecurity.getNumber()) return ""; // numbered strictest first
    return "it asks for Pod Security level " + label(level) + "; this member cluster allows at most " + label(maxPodSecurity)
        + " (the agent's --pod-security)";
  }

  /** The level's name in Kubernetes ({@code restricted}, {@code baseline}, {@code privileged}). */
  public static String label(PodSecurity level) {
    return level.name().substring("POD_SECURITY_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  /** The level a label names; empty for another word (the agent's flag). */
  public static java.util.Optional<PodSecurity> fromLabel(String label) {
    return java.util.Arrays.stream(PodSecurity.values()).filter(l -> l.getNumber() > 0 && l != PodSecurity.UNRECOGNIZED && label(l).equals(label))
        .findFirst();
  }

  /** The namespace labels that set its Pod Security Admission levels. */
  public static Map<String, String> podSecurityLabels(PodSecurity level) {
    return Map.of("pod-security.kubernetes.io/enforce", label(level), "pod-security.kubernetes.io/enforce-version", "latest",
        "pod-security.kubernetes.io/warn", "restricted", "pod-security.kubernetes.io/audit", "restricted");
  }

  public static final String DEFAULT_PREFIX = "qonnect-";
  public static final Set<String> SYSTEM = Set.of("default", "kube-system", "kube-public", "kube-node-lease", "qonnect-system", "qonnect-agent");

  public Namespaces {
    if (maxPodSecurity.getNumber() <= 0) throw new IllegalArgumentException("pod security level " + maxPodSecurity);
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
