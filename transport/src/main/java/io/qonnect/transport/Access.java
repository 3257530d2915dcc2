package io.qonnect.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.BindableService;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who may call which method of one service, checked before the call reaches it. The caller is whoever its TLS
 * certificate names ({@link Identity}); a method not listed is refused (closed by default), so a method added to
 * a proto is unreachable until someone decides who may call it. The caller is in {@link #caller()} during the
 * call, for checks that depend on the request (an agent speaks only for its own cluster).
 *
 * <p>A caller whose certificate the CA has revoked since its connection was opened ({@link Revocations}) is refused
 * at its next message: a new call at its request, an open stream at its next one. The handshake alone would let a
 * connection made before the revocation live on.
 *
 * <p>Without TLS ({@code --insecure}) every caller is {@link Identity.Insecure} and everything is allowed.
 */
public final class Access implements ServerInterceptor {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Access.class);
  private static final Context.Key<Identity> CALLER = Context.key("qonnect-caller");

  /** Who may call one method: users with at least a role (null: no user), and these kinds of services. */
  public record Rule(Identity.Role users, Set<Class<? extends Identity>> services) {
    public static Rule users(Identity.Role role) {
      return new Rule(role, Set.of());
    }

    @SafeVarargs
    public static Rule services(Class<? extends Identity>... kinds) {
      return new Rule(null, Set.of(kinds));
    }

    @SafeVarargs
    public final Rule and(Class<? extends Identity>... kinds) {
      Set<Class<? extends Identity>> all = new java.util.HashSet<>(services);
      all.addAll(List.of(kinds));
      return new Rule(users, Set.copyOf(all));
    }

    public boolean allows(Identity who) {
      return switch (who) {
        case Identity.Insecure i -> true;
        case Identity.User u -> users != null && u.role().includes(users);
        default -> services.contains(who.getClass());
      };
    }

    String needs() {
      List<String> who = new java.util.ArrayList<>();
      if (users != null) who.add("users with role " + users.label() + " or higher");
      services.stream().map(Class::getSimpleName).sorted().forEach(who::add);
      return who.isEmpty() ? "nobody" : String.join(" or ", who);
    }
  }

  private final String service;
  private final Map<String, Rule> rules;
  private final Transport transport;

  /** @param rules by method name as in the proto ({@code Apply}, not the full name) */
  private Access(String service, Map<String, Rule> rules, Transport transport) {
    this.service = service;
    this.rules = Map.copyOf(rules);
    this.transport = transport;
  }

  /**
   * The service behind these rules; every method of it must have one (a missing rule is a programming error).
   * {@code transport} is the server's: it says which certificates are revoked.
   */
  public static ServerServiceDefinition guard(BindableService service, Map<String, Rule> rules, Transport transport) {
    ServerServiceDefinition definition = service.bindService();
    String name = definition.getServiceDescriptor().getName();
    List<String> missing = definition.getMethods().stream().map(m -> m.getMethodDescriptor().getBareMethodName())
        .filter(m -> !rules.containsKey(m)).toList();
    if (!missing.isEmpty()) throw new IllegalStateException(name + ": no access rule for " + missing);
    return ServerInterceptors.intercept(definition, new Access(name, rules, transport));
  }

  /** The caller of the call running on this thread ({@link Identity.Insecure} without TLS). */
  public static Identity caller() {
    Identity who = CALLER.get();
    return who != null ? who : new Identity.Insecure();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    Optional<X509Certificate> certificate = certificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    Optional<Identity> who = identity(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (who.isEmpty()) {
      call.close(Status.UNAUTHENTICATED.withDescription("the client certificate carries no qonnect identity"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Rule rule = rules.get(method);
    if (rule == null || !rule.allows(who.get())) {
      // the audit trail of refusals (what was allowed and changed something is in the replicated events)
      LOG.warn("refused {}/{} to {} ({}): it is for {}", service, method, who.get().uri(), who.get().describe(), rule == null ? "nobody" : rule.needs());
      call.close(Status.PERMISSION_DENIED.withDescription(service + "/" + method + " is for " + (rule == null ? "nobody" : rule.needs())
          + "; the caller is " + who.get().describe()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(CALLER, who.get()), call, headers, next);
    return certificate.isEmpty() ? listener : new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      private boolean ended;

      @Override public void onMessage(Q message) {
        if (ended) return;
        if (!transport.revoked(certificate.get())) {
          super.onMessage(message);
          return;
        }
        // revoked since the connection was opened (the handshake refuses it on new ones): the call ends here, a
        // stream at its next message (the service sees it cancelled)
        ended = true;
        LOG.warn("refused {}/{} to {} ({}): its certificate is revoked", service, method, who.get().uri(), who.get().describe());
        call.close(revoked(who.get(), certificate.get()), new Metadata());
      }

      @Override public void onHalfClose() {
        if (!ended) super.onHalfClose();
      }

      @Override public void onReady() {
        if (!ended) super.onReady();
      }
    };
  }

  private static Status revoked(Identity who, X509Certificate certificate) {
    return Status.UNAUTHENTICATED.withDescription("the certificate of " + who.describe() + " (serial " + certificate.getSerialNumber().toString(16)
        + ") is revoked");
  }

  /**
   * The rule every agent call follows: an agent speaks for the member cluster its certificate names, and no other.
   * Returns the calling agent when it asks to speak for another {@code cluster}; empty when it may (or the caller
   * is no agent, whose rules are the method's).
   */
  public static Optional<Identity.Agent> agentSpeakingForAnother(String cluster) {
    return caller() instanceof Identity.Agent agent && !agent.cluster().equals(cluster) ? Optional.of(agent) : Optional.empty();
  }

  /** The caller's identity: Insecure without a TLS session, empty when its certificate names nobody. */
  private static Optional<Identity> identity(SSLSession session) {
    if (session == null) return Optional.of(new Identity.Insecure());
    return certificate(session).flatMap(Identity::of);
  }

  /** The caller's certificate; empty without a TLS session. */
  private static Optional<X509Certificate> certificate(SSLSession session) {
    if (session == null) return Optional.empty();
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? Optional.of(x) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
