package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.AgentMessage;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.proto.v1.Hello;
import io.qonnect.proto.v1.KnowledgeBaseGrpc;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.SnapshotRequest;
import io.qonnect.proto.v1.Tier;
import io.qonnect.testbed.bench.FederationBench;
import io.qonnect.transport.CertificateAuthority;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every surface of a running federation (3 lead agents with mutual TLS, the knowledge base) against callers
 * that should not get in: no TLS, TLS without a certificate, a certificate from another CA, an agent speaking
 * for another member cluster, a user without the role, an agent on the Raft port, an oversized message. Each is
 * refused with the status that says why, and nothing they sent is in the state afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsIT {
  private LocalFederation federation;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private String api;
  private String gateway;
  private String kb;
  private String raft;

  @BeforeAll
  void up() throws IOException {
    Path dir = Path.of("target", "federation-it", "hostile").toAbsolutePath();
    new LocalFederation(dir, "", List.of()).down(true, line -> {});
    federation = new LocalFederation(dir, System.getProperty("java.class.path"), LocalFederation.TEST_JVM_OPTIONS);
    federation.up(3, List.of(), line -> {});
    LocalFederation.Member lead = federation.members().stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT)).findFirst().orElseThrow();
    api = lead.address();
    gateway = lead.gatewayAddress();
    raft = "127.0.0.1:" + lead.raftPort();
    kb = federation.knowledgeBaseAddress().orElseThrow();
    try (LeadAgentsClient admin = federation.client(20_000)) {
      admin.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("kept")).build()));
    }
  }

  @AfterAll
  void down() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (federation != null) federation.down(false, line -> {});
  }

  private ManagedChannel as(Identity who, String target, Class<? extends Identity> server) {
    ManagedChannel ch = federation.transport(who).channel(target, server);
    channels.add(ch);
    return ch;
  }

  private ManagedChannel plaintext(String target) {
    ManagedChannel ch = Transport.insecure().channel(target, Identity.class);
    channels.add(ch);
    return ch;
  }

  /** TLS that trusts the federation's CA but presents no certificate of its own. */
  private ManagedChannel withoutCertificate(String target) throws IOException {
    ManagedChannel ch = NettyChannelBuilder.forTarget(target,
        TlsChannelCredentials.newBuilder().trustManager(federation.pki().resolve(CertificateAuthority.CA_CERT).toFile()).build()).build();
    channels.add(ch);
    return ch;
  }

  private static ControlPlaneGrpc.ControlPlaneBlockingStub controlPlane(ManagedChannel ch) {
    return ControlPlaneGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static void refused(Status.Code code, String contains, Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
      if (contains != null) assertThat(e.getStatus().getDescription()).contains(contains);
    });
  }

  /** What a hostile caller could change: the applications, the member clusters, the knowledge base's clusters. */
  private String state() {
    try (LeadAgentsClient admin = federation.client(20_000)) {
      String apps = admin.call(s -> s.listApplications(ListApplicationsRequest.getDefaultInstance())).getApplicationsList().stream()
          .map(a -> a.getName() + "@" + a.getSpecRevision()).sorted().toList().toString();
      String clusters = admin.call(s -> s.listClusters(ListClustersRequest.getDefaultInstance())).getClustersList().stream()
          .map(c -> c.getName()).sorted().toList().toString();
      String observed = KnowledgeBaseGrpc.newBlockingStub(as(LocalFederation.ADMIN, kb, Identity.KnowledgeBase.class))
          .withDeadlineAfter(10, TimeUnit.SECONDS).snapshot(SnapshotRequest.getDefaultInstance()).getClustersList().stream()
          .map(ClusterReport::getCluster).sorted().toList().toString();
      return apps + " " + clusters + " " + observed;
    }
  }

  @Test
  void noTlsNoCertificateOrAStrangersCaGetsNoConnectionOnAnyPort() throws IOException {
    String before = state();
    for (String target : List.of(api, gateway, kb, raft)) {
      refused(Status.Code.UNAVAILABLE, null, () -> controlPlane(plaintext(target)).listApplications(ListApplicationsRequest.getDefaultInstance()));
      refused(Status.Code.UNAVAILABLE, null, () -> {
        try {
          controlPlane(withoutCertificate(target)).listApplications(ListApplicationsRequest.getDefaultInstance());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
    }
    Path elsewhere = federation.workDir().resolve("stranger-pki");
    if (!elsewhere.resolve(CertificateAuthority.CA_KEY).toFile().exists()) CertificateAuthority.create(elsewhere, "stranger", Duration.ofDays(1));
    CertificateAuthority.Issued forged = CertificateAuthority.load(elsewhere).issue(LocalFederation.ADMIN, List.of(), Duration.ofDays(1), elsewhere);
    ManagedChannel impostor = Transport.mutualTls(federation.pki().resolve(CertificateAuthority.CA_CERT), forged.certificate(), forged.key())
        .channel(api, Identity.LeadAgent.class);
    channels.add(impostor);
    refused(Status.Code.UNAVAILABLE, null, () -> controlPlane(impostor).apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("forged")).build()));
    // the client library says at once that TLS is what fails, rather than retrying until its timeout
    try (LeadAgentsClient wrongCa = new LeadAgentsClient(federation.leadAgentAddresses(), 60_000,
        Transport.mutualTls(elsewhere.resolve(CertificateAuthority.CA_CERT), forged.certificate(), forged.key()))) {
      refused(Status.Code.UNAVAILABLE, "TLS handshake failed with every lead agent", () -> wrongCa.call(s -> s.leader(io.qonnect.proto.v1.LeaderRequest.getDefaultInstance())));
    }
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void usersGetWhatTheirRoleAllowsAndAgentsNothingOfTheClientApi() {
    String before = state();
    ManagedChannel viewer = as(new Identity.User("vera", Identity.Role.VIEWER), api, Identity.LeadAgent.class);
    assertThat(controlPlane(viewer).listApplications(ListApplicationsRequest.getDefaultInstance()).getApplicationsCount()).isEqualTo(1);
    refused(Status.Code.PERMISSION_DENIED, "user vera (viewer)",
        () -> controlPlane(viewer).apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("vera")).build()));
    refused(Status.Code.PERMISSION_DENIED, "the agent of member cluster edge-1",
        () -> controlPlane(as(new Identity.Agent("edge-1"), api, Identity.LeadAgent.class)).listApplications(ListApplicationsRequest.getDefaultInstance()));
    ManagedChannel operator = as(new Identity.User("otto", Identity.Role.OPERATOR), gateway, Identity.LeadAgent.class);
    refused(Status.Code.PERMISSION_DENIED, "user otto (operator)", () -> AgentGatewayGrpc.newBlockingStub(operator).withDeadlineAfter(10, TimeUnit.SECONDS)
        .register(RegisterClusterRequest.newBuilder().setCluster("blackhole").setTier(Tier.TIER_EDGE).setRegion("eu").build()));
    // an oversized message is refused before anything reads it
    ManagedChannel big = as(new Identity.User("otto", Identity.Role.OPERATOR), api, Identity.LeadAgent.class);
    refused(Status.Code.RESOURCE_EXHAUSTED, null,
        () -> controlPlane(big).apply(ApplyRequest.newBuilder().setSpecYaml("# " + "x".repeat(5 << 20) + "\n" + FederationBench.spec("huge")).build()));
    assertThat(state()).isEqualTo(before);
  }

  /**
   * A user's certificate revoked with the CA's CRL ({@code qonnect certs revoke} writes it beside ca.crt): every lead
   * agent re-reads it, refuses the next call on the connection the user already had, and the handshake of a new one.
   */
  @Test
  void aRevokedUsersCertificateIsRefusedOnItsOpenConnectionAndAnyNewOne() throws Exception {
    String before = state();
    Identity mallory = new Identity.User("mallory", Identity.Role.OPERATOR);
    ManagedChannel open = as(mallory, api, Identity.LeadAgent.class);
    assertThat(controlPlane(open).listApplications(ListApplicationsRequest.getDefaultInstance()).getApplicationsCount()).isEqualTo(1);
    CertificateAuthority.load(federation.pki()).revoke(CertificateAuthority.readCertificate(federation.pki().resolve(CertificateAuthority.fileName(mallory) + ".crt")),
        CertificateAuthority.RevocationReason.AFFILIATION_CHANGED, federation.pki()); // as 'qonnect certs revoke' does
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10 * Transport.RELOAD_SECONDS);
    while (true) {
      try {
        controlPlane(open).listApplications(ListApplicationsRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).contains("user mallory (operator)").contains("is revoked");
        break;
      }
      assertThat(System.nanoTime()).as("the lead agent read the list again within " + 10 * Transport.RELOAD_SECONDS + " s").isLessThan(deadline);
      Thread.sleep(250);
    }
    refused(Status.Code.UNAVAILABLE, null, () -> controlPlane(as(mallory, api, Identity.LeadAgent.class)) // a new connection
        .apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("mallory")).build()));
    assertThat(state()).isEqualTo(before);
  }

  /**
   * A user limited to applications labelled team=books (the certificate's subject OU, {@code certs issue --scope}):
   * it applies, reads and deletes those, and is refused for any other, whatever it puts in its own spec.
   */
  @Test
  void aScopedOperatorReachesOnlyTheApplicationsWithItsLabels() {
    ManagedChannel bea = as(new Identity.User("bea", Identity.Role.OPERATOR, new java.util.TreeMap<>(java.util.Map.of("team", "books"))), api, Identity.LeadAgent.class);
    String books = FederationBench.spec("books-shop").replace("{name: books-shop}", "{name: books-shop, labels: {team: books}}");
    assertThat(books).contains("team: books");
    controlPlane(bea).apply(ApplyRequest.newBuilder().setSpecYaml(books).build());
    String before = state();
    assertThat(controlPlane(bea).listApplications(ListApplicationsRequest.getDefaultInstance()).getApplicationsList())
        .as("only its own, not 'kept'").extracting(ApplicationStatus::getName).containsExactly("books-shop");
    refused(Status.Code.PERMISSION_DENIED, "outside the scope of user bea (operator, applications labelled team=books)",
        () -> controlPlane(bea).apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("music-shop")).build()));
    refused(Status.Code.PERMISSION_DENIED, "application kept is outside the scope",
        () -> controlPlane(bea).deleteApplication(DeleteApplicationRequest.newBuilder().setName("kept").build()));
    refused(Status.Code.PERMISSION_DENIED, "application kept is outside the scope",
        () -> controlPlane(bea).getApplication(GetApplicationRequest.newBuilder().setName("kept").build()));
    // taking another team's application over by labelling it team=books is a write to it: refused as well
    refused(Status.Code.PERMISSION_DENIED, "application kept is outside the scope",
        () -> controlPlane(bea).apply(ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("kept")
            .replace("{name: kept}", "{name: kept, labels: {team: books}}")).build()));
    assertThat(state()).isEqualTo(before);
    controlPlane(bea).deleteApplication(DeleteApplicationRequest.newBuilder().setName("books-shop").build());
  }

  @Test
  void anAgentSpeaksForItsOwnMemberClusterOnly() throws Exception {
    String before = state();
    Identity edge1 = new Identity.Agent("edge-1");
    ManagedChannel toGateway = as(edge1, gateway, Identity.LeadAgent.class);
    refused(Status.Code.PERMISSION_DENIED, "may not speak for 'edge-2'", () -> AgentGatewayGrpc.newBlockingStub(toGateway)
        .withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterClusterRequest.newBuilder().setCluster("edge-2").setTier(Tier.TIER_EDGE).setRegion("eu").build()));
    // a hello as another cluster: its desired state (Secrets included) and its leases are not sent
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    List<LeadMessage> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    StreamObserver<AgentMessage> up = AgentGatewayGrpc.newStub(toGateway).connect(observer(received::add, closed::complete));
    up.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setCluster("edge-2")).build());
    Throwable error = closed.get(20, TimeUnit.SECONDS);
    // a follower answers UNAVAILABLE with the leader's address before it looks at the cluster: ask every lead agent
    assertThat(Status.fromThrowable(error).getCode()).isIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAVAILABLE);
    for (String g : federation.gatewayAddresses()) {
      CompletableFuture<Throwable> c = new CompletableFuture<>();
      StreamObserver<AgentMessage> s = AgentGatewayGrpc.newStub(as(edge1, g, Identity.LeadAgent.class)).connect(observer(received::add, c::complete));
      s.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setCluster("edge-2")).build());
      Status status = Status.fromThrowable(c.get(20, TimeUnit.SECONDS));
      if (status.getCode() == Status.Code.PERMISSION_DENIED) assertThat(status.getDescription()).contains("edge-2");
      else assertThat(status.getCode()).as(status.toString()).isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(received).as("nothing sent to an agent speaking for another cluster").isEmpty();
    ManagedChannel toKb = as(edge1, kb, Identity.KnowledgeBase.class);
    refused(Status.Code.PERMISSION_DENIED, "may not report for 'edge-2'", () -> KnowledgeBaseGrpc.newBlockingStub(toKb)
        .withDeadlineAfter(10, TimeUnit.SECONDS).reportCluster(ClusterReport.newBuilder().setCluster("edge-2").build()));
    refused(Status.Code.INVALID_ARGUMENT, "ahead of the knowledge base's clock", () -> KnowledgeBaseGrpc.newBlockingStub(toKb)
        .withDeadlineAfter(10, TimeUnit.SECONDS).reportCluster(ClusterReport.newBuilder().setCluster("edge-1")
            .setObservedUnixMillis(System.currentTimeMillis() + Duration.ofDays(365).toMillis()).build()));
    // the Raft port admits lead agents only: an agent's valid certificate fails the handshake there
    refused(Status.Code.UNAVAILABLE, null, () -> controlPlane(as(edge1, raft, Identity.LeadAgent.class)).leader(io.qonnect.proto.v1.LeaderRequest.getDefaultInstance()));
    refused(Status.Code.UNIMPLEMENTED, null, () -> controlPlane(as(new Identity.LeadAgent("lead-1"), raft, Identity.LeadAgent.class))
        .leader(io.qonnect.proto.v1.LeaderRequest.getDefaultInstance()));
    assertThat(state()).isEqualTo(before);
  }

  /**
   * A write's request id is bounded, and names one caller's request: a retry of it is answered with what it did (the
   * delete after it stands), another user's write with the same id is that user's own.
   */
  @Test
  void aRequestIdIsBoundedAndNamesOneCallersWrite() {
    federation.awaitFeatureLevel(io.qonnect.lead.state.FeatureLevels.IDEMPOTENT_WRITES, 60_000);
    String before = state();
    ManagedChannel otto = as(new Identity.User("otto", Identity.Role.OPERATOR), api, Identity.LeadAgent.class);
    refused(Status.Code.INVALID_ARGUMENT, "request_id: at most 64", () -> controlPlane(otto).apply(ApplyRequest.newBuilder()
        .setSpecYaml(FederationBench.spec("retried")).setRequestId("x".repeat(65)).build()));
    refused(Status.Code.INVALID_ARGUMENT, "request_id: at most 64", () -> controlPlane(otto).deleteApplication(DeleteApplicationRequest.newBuilder()
        .setName("kept").setRequestId("r 1").build()));
    assertThat(state()).isEqualTo(before);

    ApplyRequest create = ApplyRequest.newBuilder().setSpecYaml(FederationBench.spec("retried")).setRequestId("r-1").build();
    long created = controlPlane(otto).apply(create).getSpecRevision();
    controlPlane(otto).deleteApplication(DeleteApplicationRequest.newBuilder().setName("retried").setRequestId("r-2").build());
    assertThat(controlPlane(otto).apply(create).getSpecRevision()).as("the retry's answer: what the first did").isEqualTo(created);
    assertThat(state()).as("the delete after it stands").isEqualTo(before);

    ManagedChannel olga = as(new Identity.User("olga", Identity.Role.OPERATOR), api, Identity.LeadAgent.class);
    assertThat(controlPlane(olga).apply(create).getSpecRevision()).as("another user's request").isGreaterThan(created);
    controlPlane(olga).deleteApplication(DeleteApplicationRequest.newBuilder().setName("retried").build());
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void aMemberClustersNameStaysBoundToTheClusterThatRegisteredItFirst() throws InterruptedException {
    federation.awaitFeatureLevel(4, 60_000);
    try (LeadAgentsClient agent = new LeadAgentsClient(federation.gatewayAddresses(), 20_000, federation.transport(new Identity.Agent("fog-7")))) {
      RegisterClusterRequest first = RegisterClusterRequest.newBuilder().setCluster("fog-7").setTier(Tier.TIER_FOG).setRegion("eu")
          .setClusterUid("6f1c2a8e-0000-4000-8000-000000000001").build();
      agent.callGateway(g -> g.register(first));
      String before = state();
      // another Kubernetes cluster whose agent was deployed under the same name, with fog-7's certificate copied
      refused(Status.Code.FAILED_PRECONDITION, "bound to the Kubernetes cluster", () -> agent.callGateway(g -> g.register(first.toBuilder()
          .setClusterUid("0b9d7f3c-0000-4000-8000-000000000002").setAgentAddress("10.9.9.9:7070").build())));
      agent.callGateway(g -> g.register(first)); // the same cluster again: unchanged
      assertThat(state()).isEqualTo(before);
    }
  }

  private static StreamObserver<LeadMessage> observer(Consumer<LeadMessage> onMessage, Consumer<Throwable> onClose) {
    return new StreamObserver<>() {
      @Override public void onNext(LeadMessage m) { onMessage.accept(m); }
      @Override public void onError(Throwable t) { onClose.accept(t); }
      @Override public void onCompleted() { onClose.accept(Status.OK.asRuntimeException()); }
    };
  }
}
