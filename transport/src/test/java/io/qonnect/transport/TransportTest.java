package io.qonnect.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS on loopback: who gets in, who is refused and why, and a certificate rotated under a running server. */
class TransportTest {
  @TempDir Path dir;
  private CertificateAuthority ca;
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** A one-method service answering with the caller's identity URI, for callers with the rule given. */
  private static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Who").setRequestMarshaller(new Utf8()).setResponseMarshaller(new Utf8()).build();

  @BeforeEach
  void ca() {
    ca = CertificateAuthority.create(dir.resolve("pki"), "test CA", Duration.ofDays(1));
  }

  @AfterEach
  void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(Server::shutdownNow);
  }

  private Transport.MutualTls as(Identity who) {
    CertificateAuthority.Issued issued = ca.issue(who, List.of("127.0.0.1"), Duration.ofDays(1), dir.resolve("pki"));
    return Transport.mutualTls(dir.resolve("pki/ca.crt"), issued.certificate(), issued.key());
  }

  private int serve(Transport transport, Access.Rule rule) throws IOException {
    BindableService echo = () -> ServerServiceDefinition.builder("test.Echo")
        .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(Access.caller().uri());
          out.onCompleted();
        })).build();
    Server s = transport.server(new InetSocketAddress("127.0.0.1", 0)).addService(Access.guard(echo, Map.of("Who", rule), transport)).build().start();
    servers.add(s);
    return s.getPort();
  }

  private String call(Transport transport, int port, Class<? extends Identity> expected) {
    ManagedChannel ch = transport.channel("127.0.0.1:" + port, expected);
    channels.add(ch);
    return ClientCalls.blockingUnaryCall(ch, WHO, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "?");
  }

  @Test
  void aCallerIsKnownByItsCertificateAndLetInByItsRole() throws IOException {
    int port = serve(as(new Identity.LeadAgent("lead-1")), Access.Rule.users(Identity.Role.OPERATOR).and(Identity.Agent.class));

    assertThat(call(as(new Identity.Agent("edge-1")), port, Identity.LeadAgent.class)).isEqualTo("spiffe://qonnect/agent/edge-1");
    assertThat(call(as(new Identity.User("alice", Identity.Role.ADMIN)), port, Identity.LeadAgent.class)).isEqualTo("spiffe://qonnect/user/alice");
    assertThatThrownBy(() -> call(as(new Identity.User("bob", Identity.Role.VIEWER)), port, Identity.LeadAgent.class))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("role operator").contains("user bob (viewer)");
        });
    assertThatThrownBy(() -> call(as(new Identity.KnowledgeBase("kb")), port, Identity.LeadAgent.class))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void plaintextAStrangersCaAndTheWrongServerAreRefusedInTheHandshake() throws IOException {
    int port = serve(as(new Identity.KnowledgeBase("kb")), Access.Rule.services(Identity.Agent.class));

    assertThatThrownBy(() -> call(Transport.insecure(), port, Identity.KnowledgeBase.class))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    CertificateAuthority stranger = CertificateAuthority.create(dir.resolve("other"), "another CA", Duration.ofDays(1));
    CertificateAuthority.Issued forged = stranger.issue(new Identity.Agent("edge-1"), List.of(), Duration.ofDays(1), dir.resolve("other"));
    assertThatThrownBy(() -> call(Transport.mutualTls(dir.resolve("pki/ca.crt"), forged.certificate(), forged.key()), port, Identity.KnowledgeBase.class))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    // an agent that expects a lead agent does not talk to a knowledge base, whatever the address says
    assertThatThrownBy(() -> call(as(new Identity.Agent("edge-1")), port, Identity.LeadAgent.class))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(call(as(new Identity.Agent("edge-1")), port, Identity.KnowledgeBase.class)).isEqualTo("spiffe://qonnect/agent/edge-1");
  }

  /** Bidirectional: answers every message with the caller's identity URI. */
  private static final MethodDescriptor<String, String> CHAT = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("test.Echo/Chat").setRequestMarshaller(new Utf8()).setResponseMarshaller(new Utf8()).build();

  @Test
  void aRevokedCertificateIsRefusedInTheHandshakeAtTheNextCallAndOnItsOpenStream() throws Exception {
    Transport.MutualTls server = as(new Identity.LeadAgent("lead-1"));
    BindableService echo = () -> ServerServiceDefinition.builder("test.Echo")
        .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(Access.caller().uri());
          out.onCompleted();
        }))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> new io.grpc.stub.StreamObserver<String>() {
          @Override public void onNext(String message) {
            out.onNext(Access.caller().uri());
          }

          @Override public void onError(Throwable t) {}

          @Override public void onCompleted() {
            out.onCompleted();
          }
        })).build();
    Server s = server.server(new InetSocketAddress("127.0.0.1", 0))
        .addService(Access.guard(echo, Map.of("Who", Access.Rule.services(Identity.Agent.class), "Chat", Access.Rule.services(Identity.Agent.class)), server))
        .build().start();
    servers.add(s);
    CertificateAuthority.Issued edge1 = ca.issue(new Identity.Agent("edge-1"), List.of(), Duration.ofDays(1), dir.resolve("edge-1"));
    Transport agent = Transport.mutualTls(dir.resolve("pki/ca.crt"), edge1.certificate(), edge1.key());
    ManagedChannel open = agent.channel("127.0.0.1:" + s.getPort(), Identity.LeadAgent.class);
    channels.add(open);
    assertThat(ClientCalls.blockingUnaryCall(open, WHO, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "?"))
        .isEqualTo("spiffe://qonnect/agent/edge-1");
    java.util.concurrent.BlockingQueue<Object> chat = new java.util.concurrent.LinkedBlockingQueue<>();
    io.grpc.stub.StreamObserver<String> talk = ClientCalls.asyncBidiStreamingCall(open.newCall(CHAT, io.grpc.CallOptions.DEFAULT), new io.grpc.stub.StreamObserver<String>() {
      @Override public void onNext(String value) {
        chat.add(value);
      }

      @Override public void onError(Throwable t) {
        chat.add(t);
      }

      @Override public void onCompleted() {
        chat.add("completed");
      }
    });
    talk.onNext("hello");
    assertThat(chat.poll(10, TimeUnit.SECONDS)).isEqualTo("spiffe://qonnect/agent/edge-1");

    ca.revoke(CertificateAuthority.readCertificate(edge1.certificate()), CertificateAuthority.RevocationReason.KEY_COMPROMISE, dir.resolve("pki"));
    Thread.sleep(TimeUnit.SECONDS.toMillis(2 * Transport.RELOAD_SECONDS + 1)); // every process re-reads it
    // the stream opened before: its next message ends it
    talk.onNext("still there?");
    assertThat(chat.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(e.getStatus().getDescription()).contains("is revoked");
    });
    // the connection opened before: its next call is refused
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(open, WHO, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "?"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    // a new connection: the handshake fails
    assertThatThrownBy(() -> call(Transport.mutualTls(dir.resolve("pki/ca.crt"), edge1.certificate(), edge1.key()), s.getPort(), Identity.LeadAgent.class))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    // other certificates are unaffected
    assertThat(call(as(new Identity.Agent("edge-2")), s.getPort(), Identity.LeadAgent.class)).isEqualTo("spiffe://qonnect/agent/edge-2");
  }

  @Test
  void aRevocationListTheCaDidNotSignIsRefusedAtStart() throws IOException {
    CertificateAuthority stranger = CertificateAuthority.create(dir.resolve("other"), "test CA", Duration.ofDays(1)); // the same name
    CertificateAuthority.Issued theirs = stranger.issue(new Identity.Agent("edge-9"), List.of(), Duration.ofDays(1), dir.resolve("other"));
    stranger.revoke(CertificateAuthority.readCertificate(theirs.certificate()), CertificateAuthority.RevocationReason.UNSPECIFIED, dir.resolve("other"));
    java.nio.file.Files.copy(dir.resolve("other").resolve(Revocations.FILE), dir.resolve("pki").resolve(Revocations.FILE));
    assertThatThrownBy(() -> as(new Identity.Agent("edge-1"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Revocations.FILE).hasMessageContaining("not signed by the CA in ca.crt");
    java.nio.file.Files.writeString(dir.resolve("pki").resolve(Revocations.FILE), "1a2b\n");
    assertThatThrownBy(() -> as(new Identity.Agent("edge-1"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM X.509 CRL");
  }

  @Test
  void revokingAddsToTheListTheCaSignedBefore() throws IOException {
    CertificateAuthority.Issued one = ca.issue(new Identity.Agent("edge-1"), List.of(), Duration.ofDays(1), dir.resolve("one"));
    CertificateAuthority.Issued two = ca.issue(new Identity.Agent("edge-2"), List.of(), Duration.ofDays(1), dir.resolve("two"));
    ca.revoke(CertificateAuthority.readCertificate(one.certificate()), CertificateAuthority.RevocationReason.SUPERSEDED, dir.resolve("pki"));
    ca.revoke(CertificateAuthority.readCertificate(two.certificate()), CertificateAuthority.RevocationReason.KEY_COMPROMISE, dir.resolve("pki"));
    Revocations revocations = new Revocations(dir.resolve("pki").resolve(CertificateAuthority.CA_CERT));
    assertThat(revocations.load()).isTrue();
    assertThat(revocations.size()).isEqualTo(2);
    assertThat(revocations.revoked(CertificateAuthority.readCertificate(one.certificate()))).isTrue();
    assertThat(revocations.revoked(CertificateAuthority.readCertificate(two.certificate()))).isTrue();
    assertThat(revocations.load()).as("unchanged file: not read again").isFalse();
  }

  @Test
  void aPlaintextServerLetsEveryoneInAsInsecure() throws IOException {
    int port = serve(Transport.insecure(), Access.Rule.services(Identity.LeadAgent.class));
    assertThat(call(Transport.insecure(), port, Identity.LeadAgent.class)).isEqualTo(new Identity.Insecure().uri());
  }

  @Test
  void aCertificateRotatedOnDiskIsServedWithoutARestart() throws Exception {
    CertificateAuthority.Issued before = ca.issue(new Identity.KnowledgeBase("kb"), List.of(), Duration.ofDays(1), dir.resolve("server"));
    Transport.MutualTls server = Transport.mutualTls(dir.resolve("pki/ca.crt"), before.certificate(), before.key());
    int port = serve(server, Access.Rule.services(Identity.Agent.class));
    Transport agent = as(new Identity.Agent("edge-1"));
    assertThatThrownBy(() -> call(agent, port, Identity.LeadAgent.class)).isInstanceOf(StatusRuntimeException.class);

    // the same files now hold a lead agent's certificate: new connections see it once the server re-read them
    CertificateAuthority.Issued lead = ca.issue(new Identity.LeadAgent("lead-1"), List.of(), Duration.ofDays(1), dir.resolve("rotated"));
    java.nio.file.Files.copy(lead.key(), before.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    java.nio.file.Files.copy(lead.certificate(), before.certificate(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4 * Transport.RELOAD_SECONDS);
    String answer = null;
    while (answer == null && System.nanoTime() < deadline) {
      try {
        answer = call(agent, port, Identity.LeadAgent.class);
      } catch (StatusRuntimeException e) {
        Thread.sleep(500);
      }
    }
    assertThat(answer).as("a lead agent's certificate served after rotation").isEqualTo("spiffe://qonnect/agent/edge-1");
  }

  @Test
  void aCertificateWithoutAQonnectIdentityOrAMissingFileIsRefusedAtStart() {
    assertThatThrownBy(() -> Transport.mutualTls(dir.resolve("pki/ca.crt"), dir.resolve("nope.crt"), dir.resolve("nope.key")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.crt").hasMessageContaining("not a readable file");
    // the CA's own certificate names no identity
    assertThatThrownBy(() -> Transport.mutualTls(dir.resolve("pki/ca.crt"), dir.resolve("pki/ca.crt"), dir.resolve("pki/ca.key")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ca.crt");
  }

  @Test
  void identitiesRoundTripThroughCertificates() {
    for (Identity who : List.of(new Identity.LeadAgent("lead-1"), new Identity.KnowledgeBase("knowledge-base"), new Identity.Agent("edge-1"),
        new Identity.User("alice", Identity.Role.VIEWER), new Identity.User("root", Identity.Role.ADMIN),
        new Identity.User("bea", Identity.Role.OPERATOR, new java.util.TreeMap<>(Map.of("team", "books", "example.com/env", "prod"))))) {
      CertificateAuthority.Issued issued = ca.issue(who, List.of("localhost", "127.0.0.1"), Duration.ofDays(1), dir.resolve("pki"));
      assertThat(Identity.of(CertificateAuthority.readCertificate(issued.certificate()))).contains(who);
    }
    assertThat(Identity.of(ca.certificate())).isEmpty();
    Identity.User bea = new Identity.User("bea", Identity.Role.OPERATOR, new java.util.TreeMap<>(Map.of("team", "books")));
    assertThat(bea.reaches(Map.of("team", "books", "tier", "web"))).isTrue();
    assertThat(bea.reaches(Map.of("team", "music"))).isFalse();
    assertThat(bea.reaches(Map.of())).isFalse();
    assertThat(new Identity.User("root", Identity.Role.ADMIN).reaches(Map.of())).as("unscoped: every application").isTrue();
    assertThat(bea.describe()).isEqualTo("user bea (operator, applications labelled team=books)");
  }

  private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
    @Override public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
