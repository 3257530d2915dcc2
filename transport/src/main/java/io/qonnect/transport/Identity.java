package io.qonnect.transport;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who is on the other end of a connection, as its certificate says: one URI subject alternative name
 * {@code spiffe://qonnect/ROLE/NAME} (SPIFFE's form), and for users their role in the subject's O, as Kubernetes
 * reads groups, and the applications they are limited to, if any, as {@code KEY=VALUE} labels in the subject's OUs. The federation's CA ({@code qonnect certs}) is the only issuer trusted, so a name here is as good
 * as the CA's key.
 */
public sealed interface Identity {
  String TRUST_DOMAIN = "qonnect";
  Pattern URI = Pattern.compile("spiffe://" + TRUST_DOMAIN + "/(lead-agent|knowledge-base|agent|user)/([a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?)");

  /** A lead agent, by its peer id: the only identity the Raft port accepts. */
  record LeadAgent(String id) implements Identity {}

  record KnowledgeBase(String name) implements Identity {}

  /** A member cluster's resource agent: it may speak for this cluster and no other. */
  record Agent(String cluster) implements Identity {}

  /**
   * A person or a tool. {@code scope}: the application labels it is limited to (every one must match; empty: every
   * application). A scope limits application calls only: a scoped admin still manages the federation's clusters.
   */
  record User(String name, Role role, java.util.SortedMap<String, String> scope) implements Identity {
    public User {
      scope = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(scope));
    }

    public User(String name, Role role) {
      this(name, role, new java.util.TreeMap<>());
    }

    /** Whether an application with {@code labels} is within this user's scope. */
    public boolean reaches(java.util.Map<String, String> labels) {
      return scope.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    public String scopeText() {
      return scope.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(","));
    }
  }

  /** A server started with {@code --insecure}: no certificates, so nobody is known and nothing is checked. */
  record Insecure() implements Identity {}

  /** What a user may do: each role includes the ones before it. */
  enum Role {
    /** reads: get, describe, events, leader */
    VIEWER,
    /** and writes applications: apply, delete */
    OPERATOR,
    /** and changes the federation: register or remove member clusters, seed the knowledge base */
    ADMIN;

    public boolean includes(Role needed) {
      return compareTo(needed) >= 0;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Role> of(String label) {
      for (Role r : values()) if (r.label().equals(label)) return Optional.of(r);
      return Optional.empty();
    }
  }

  /** The URI this identity is issued under. */
  default String uri() {
    return switch (this) {
      case LeadAgent l -> "spiffe://" + TRUST_DOMAIN + "/lead-agent/" + l.id();
      case KnowledgeBase k -> "spiffe://" + TRUST_DOMAIN + "/knowledge-base/" + k.name();
      case Agent a -> "spiffe://" + TRUST_DOMAIN + "/agent/" + a.cluster();
      case User u -> "spiffe://" + TRUST_DOMAIN + "/user/" + u.name();
      case Insecure i -> "(insecure: no identity)";
    };
  }

  /** For error messages: "the agent of member cluster edge-1", "user alice (viewer)". */
  default String describe() {
    return switch (this) {
      case LeadAgent l -> "lead agent " + l.id();
      case KnowledgeBase k -> "knowledge base " + k.name();
      case Agent a -> "the agent of member cluster " + a.cluster();
      case User u -> "user " + u.name() + " (" + u.role().label() + (u.scope().isEmpty() ? "" : ", applications labelled " + u.scopeText()) + ")";
      case Insecure i -> "an unauthenticated caller";
    };
  }

  /** The identity a certificate carries, or empty when it carries none qonnect issued (or two). */
  static Optional<Identity> of(X509Certificate cert) {
    List<Identity> found = new java.util.ArrayList<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names == null) return Optional.empty();
      for (List<?> name : names) {
        if (!Integer.valueOf(6).equals(name.get(0))) continue; // 6: uniformResourceIdentifier
        Matcher m = URI.matcher(String.valueOf(name.get(1)));
        if (!m.matches()) continue;
        String who = m.group(2);
        switch (m.group(1)) {
          case "lead-agent" -> found.add(new LeadAgent(who));
          case "knowledge-base" -> found.add(new KnowledgeBase(who));
          case "agent" -> found.add(new Agent(who));
          default -> {
            Optional<Role> role = organization(cert).flatMap(Role::of);
            Optional<java.util.SortedMap<String, String>> scope = scope(cert);
            if (role.isPresent() && scope.isPresent()) found.add(new User(who, role.get(), scope.get()));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    return found.size() == 1 ? Optional.of(found.getFirst()) : Optional.empty();
  }

  /** The subject's OUs as KEY=VALUE labels; empty (no identity) when one is not of that form. */
  private static Optional<java.util.SortedMap<String, String>> scope(X509Certificate cert) {
    java.util.SortedMap<String, String> scope = new java.util.TreeMap<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (!rdn.getType().equalsIgnoreCase("OU")) continue;
        Matcher m = SCOPE.matcher(String.valueOf(rdn.getValue()));
        if (!m.matches()) return Optional.empty();
        scope.put(m.group("key"), m.group("value"));
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return Optional.of(scope);
  }

  /** A scope label as {@code certs issue --scope} writes it: a Kubernetes label key and value. */
  Pattern SCOPE = Pattern.compile("(?<key>(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)"
      + "=(?<value>[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)");

  private static Optional<String> organization(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("O")) return Optional.of(String.valueOf(rdn.getValue()));
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
