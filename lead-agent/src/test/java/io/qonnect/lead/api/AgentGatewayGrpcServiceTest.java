package io.qonnect.lead.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.transport.Access;
import io.qonnect.transport.CertificateAuthority;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qonnect.lead.config.LeadAgentConfig.Peer;
import io.qonnect.lead.raft.ControlPlaneStateMachine;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.AgentMessage;
import io.qonnect.proto.v1.Hello;
import io.qonnect.proto.v1.LeadMessage;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent stream as an agent sees it, over a loopback gRPC server with mutual TLS and the gateway's access rules,
 * as in production: the leader of a one-peer group with an empty state, and the agent of member cluster eu-1.
 */
class AgentGatewayGrpcServiceTest {
  /** Counts the push tasks scheduled: one per stream, or several threads write one stream. */
  static final class CountingTimer extends ScheduledThreadPoolExecutor {
    final AtomicInteger pushers = new AtomicInteger();

    CountingTimer() {
      super(2);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      pushers.incrementAndGet();
      return super.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }
  }

  private final CountingTimer timer = new CountingTimer();
  /** Added to the gateway's monotonic clock: a stream made to look silent without waiting. */
  private final java.util.concurrent.atomic.AtomicLong skew = new java.util.concurrent.atomic.AtomicLong();
  private Server server;
  private ManagedChannel channel;
  @TempDir Path pki;
  private CertificateAuthority ca;
  /** What the agent received, in order: LeadMessages, then a Throwable or "completed". */
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final AgentSessions sessions = new AgentSessions();

  @BeforeEach
  void start() throws Exception {
    GroupView leader = new GroupView() {
      @Override public String selfId() { return "lead-1"; }
      @Override public List<Peer> peers() { return List.of(new Peer("lead-1", "127.0.0.1", 1, 2, 3)); }
      @Override public Optional<String> leaderId() { return Optional.of("lead-1"); }
      @Override public long term() { return 1; }
      @Override public boolean isLeaderReady() { return true; }
    };
    AgentGatewayGrpcService gateway = new AgentGatewayGrpcService(null, leader, new ControlPlaneStateMachine(), sessions,
        (cluster, application, component, since) -> true, timer, Clock.systemUTC(), () -> System.nanoTime() / 1_000_000 + skew.get(), 3000);
    ca = CertificateAuthority.create(pki, "test CA", Duration.ofDays(1));
    Transport self = as(new Identity.LeadAgent("lead-1"));
    server = self.server(new InetSocketAddress("127.0.0.1", 0)).addService(Access.guard(gateway, AgentGatewayGrpcService.ACCESS, self)).build().start();
    channel = channelAs(new Identity.Agent("eu-1"));
  }

  private Transport as(Identity who) {
    CertificateAuthority.Issued issued = ca.issue(who, List.of(), Duration.ofDays(1), pki);
    return Transport.mutualTls(pki.resolve(CertificateAuthority.CA_CERT), issued.certificate(), issued.key());
  }

  private ManagedChannel channelAs(Identity who) {
    return as(who).channel("127.0.0.1:" + server.getPort(), Identity.LeadAgent.class);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    timer.shutdownNow();
  }

  private StreamObserver<AgentMessage> connect() {
    return connect(channel);
  }

  private StreamObserver<AgentMessage> connect(ManagedChannel over) {
    return connect(over, received);
  }

  private static StreamObserver<AgentMessage> connect(ManagedChannel over, BlockingQueue<Object> into) {
    return AgentGatewayGrpc.newStub(over).connect(new StreamObserver<>() {
      @Override public void onNext(LeadMessage m) { into.add(m); }
      @Override public void onError(Throwable t) { into.add(t); }
      @Override public void onCompleted() { into.add("completed"); }
    });
  }

  private static Object firstOf(BlockingQueue<Object> queue, Class<?> kind) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Object o; (o = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
      if (kind.isInstance(o)) return o;
    }
    return null;
  }

  @Test
  void aSecondLiveStreamOfOneClusterIsRefusedAndASilentOneIsReplaced() throws InterruptedException {
    StreamObserver<AgentMessage> first = connect();
    first.onNext(hello("eu-1"));
    first.onNext(heartbeat("eu-1"));
    assertThat(firstOf(received, LeadMessage.class)).as("the first stream gets its desired state").isNotNull();

    BlockingQueue<Object> second = new LinkedBlockingQueue<>();
    connect(channel, second).onNext(hello("eu-1")); // a second agent with eu-1's certificate, while the first speaks
    Object refused = firstOf(second, Throwable.class);
    assertThat(refused).isNotNull();
    assertThat(Status.fromThrowable((Throwable) refused).getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(Status.fromThrowable((Throwable) refused).getDescription()).contains("eu-1").contains("second agent");
    assertThat(second).noneMatch(LeadMessage.class::isInstance);

    skew.addAndGet(AgentGatewayGrpcService.STREAM_SILENT_MILLIS + 1); // the first falls silent (a connection gone without a close)
    BlockingQueue<Object> third = new LinkedBlockingQueue<>();
    connect(channel, third).onNext(hello("eu-1"));
    assertThat(firstOf(third, LeadMessage.class)).as("the reconnecting agent is served").isNotNull();
    Object replaced = firstOf(received, Throwable.class);
    assertThat(replaced).as("the silent stream is closed").isNotNull();
    assertThat(Status.fromThrowable((Throwable) replaced).getCode()).isEqualTo(Status.Code.ABORTED);
  }

  private static AgentMessage hello(String cluster) {
    return AgentMessage.newBuilder().setHello(Hello.newBuilder().setCluster(cluster)).build();
  }

  /** The first Throwable the agent receives within {@code seconds}, or null. */
  private Throwable errorWithin(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Object o; (o = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
      if (o instanceof Throwable t) return t;
    }
    return null;
  }

  @Test
  void aSecondHelloOnOneStreamIsRefusedAndSchedulesNoSecondPusher() throws InterruptedException {
    StreamObserver<AgentMessage> up = connect();
    up.onNext(hello("eu-1"));
    up.onNext(hello("eu-1"));

    Throwable error = errorWithin(5);

    assertThat(error).as("the stream is closed").isNotNull();
    Status status = Status.fromThrowable(error);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("hello");
    assertThat(timer.pushers.get()).as("push tasks scheduled").isEqualTo(1);
  }

  @Test
  void aHelloBeyondItsBoundsIsRefusedNamingTheFieldAndNothingIsPushed() throws InterruptedException {
    StreamObserver<AgentMessage> up = connect();
    up.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setCluster("eu-1").setHaveDesiredRevision(-1)).build());

    Status status = Status.fromThrowable(errorWithin(5));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("hello.have_desired_revision");
    assertThat(timer.pushers.get()).as("push tasks scheduled").isZero();

    Hello.Builder many = Hello.newBuilder().setCluster("eu-1").setAcceptsDeltas(true);
    for (int i = 0; i <= AgentGatewayGrpcService.MAX_HELD; i++) many.addHeld(io.qonnect.proto.v1.HeldApplication.newBuilder().setApplication("a" + i));
    assertThat(AgentGatewayGrpcService.helloProblem(many.build())).map(p -> p.field()).contains("hello.held");
    Hello longName = Hello.newBuilder().setCluster("eu-1").addHeld(io.qonnect.proto.v1.HeldApplication.newBuilder().setApplication("x".repeat(64))).build();
    assertThat(AgentGatewayGrpcService.helloProblem(longName)).map(p -> p.field()).contains("hello.held.application");
    assertThat(AgentGatewayGrpcService.helloProblem(Hello.newBuilder().setCluster("eu-1").setHaveDesiredRevision(7).setAcceptsDeltas(true)
        .addHeld(io.qonnect.proto.v1.HeldApplication.newBuilder().setApplication("books").setDigest(3)).build())).isEmpty();
  }

  @Test
  void aQuietStreamStillHearsFromTheLeaderAboutEverySecond() throws InterruptedException {
    StreamObserver<AgentMessage> up = connect();
    up.onNext(hello("eu-1"));

    Object first = received.poll(5, TimeUnit.SECONDS);
    assertThat(first).as("the desired state, sent at once").isInstanceOfSatisfying(LeadMessage.class, m -> assertThat(m.hasDesiredState()).isTrue());
    // nothing changes in the state, and there are no singletons to lease: only a ping breaks the silence
    long before = System.nanoTime();
    Object next = received.poll(3, TimeUnit.SECONDS);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    assertThat(next).as("a message after the desired state").isInstanceOfSatisfying(LeadMessage.class, m -> assertThat(m.hasPing()).isTrue());
    assertThat(waitedMs).as("ms of silence before the ping").isBetween(700L, 2000L);
    up.onCompleted();
  }

  private static AgentMessage heartbeat(String cluster) {
    return AgentMessage.newBuilder().setHeartbeat(io.qonnect.proto.v1.Heartbeat.newBuilder().setCluster(cluster).setApiServerReachable(true)).build();
  }

  @Test
  void aStreamSpeaksOnlyForTheClusterItSaidHelloAs() throws InterruptedException {
    StreamObserver<AgentMessage> up = connect();
    up.onNext(hello("eu-1"));
    up.onNext(heartbeat("eu-2")); // forged: keep a dead cluster Healthy, or satisfy its singleton fence

    Throwable error = errorWithin(5);

    assertThat(error).as("the stream is closed").isNotNull();
    assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Status.fromThrowable(error).getDescription()).contains("heartbeat.cluster");
    assertThat(sessions.last("eu-2")).as("nothing recorded for eu-2").isEmpty();
  }

  @Test
  void anAgentSpeaksOnlyForTheClusterItsCertificateNames() throws InterruptedException {
    StreamObserver<AgentMessage> up = connect();
    up.onNext(hello("eu-2")); // eu-1's agent asking for eu-2's desired state and leases

    Throwable error = errorWithin(5);

    assertThat(error).as("the stream is closed").isNotNull();
    assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(Status.fromThrowable(error).getDescription()).contains("hello.cluster").contains("member cluster eu-1").contains("eu-2");
    assertThat(received).as("no desired state was sent").noneMatch(LeadMessage.class::isInstance);
    assertThat(timer.pushers.get()).as("push tasks scheduled").isZero();
  }

  @Test
  void aUserCannotOpenAnAgentStreamAndAnAgentCannotRegisterAnotherCluster() throws InterruptedException {
    ManagedChannel user = channelAs(new Identity.User("alice", Identity.Role.ADMIN));
    try {
      connect(user).onNext(hello("eu-1"));
      Throwable error = errorWithin(5);
      assertThat(error).isNotNull();
      assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(Status.fromThrowable(error).getDescription()).contains("user alice");
    } finally {
      user.shutdownNow();
    }
    assertThatThrownBy(() -> AgentGatewayGrpc.newBlockingStub(channel).register(io.qonnect.proto.v1.RegisterClusterRequest.newBuilder()
        .setCluster("eu-2").setTier(io.qonnect.proto.v1.Tier.TIER_EDGE).setRegion("eu").build()))
        .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("eu-2");
        });
  }

  @Test
  void aHeartbeatBeforeHelloIsRefused() throws InterruptedException {
    StreamObserver<AgentMessage> up = connect();
    up.onNext(heartbeat("eu-1"));

    Throwable error = errorWithin(5);

    assertThat(error).isNotNull();
    assertThat(Status.fromThrowable(error).getDescription()).contains("hello");
    assertThat(sessions.last("eu-1")).isEmpty();
  }
}
