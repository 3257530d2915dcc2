package io.qonnect.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.qonnect.transport.Transport;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.AgentMessage;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredDelta;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.HeldApplication;
import io.qonnect.proto.v1.Hello;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.RegisterClusterResponse;
import io.qonnect.proto.v1.StreamPing;
import io.qonnect.proto.v1.Tier;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent against a lead agent that accepts its stream and then says nothing, over a loopback gRPC server: the
 * agent keeps the stream while the silence is within the bound, and drops it and connects again past it. The
 * agent's clock is a fake one the test moves; the stream's own waits are real but short.
 */
class LeadStreamTest {
  /** What the lead agent saw, in order: "connect", "hello", "cancelled", "completed". */
  private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
  private final AtomicLong now = new AtomicLong(1_000);
  private volatile StreamObserver<LeadMessage> down;
  private volatile Hello hello;
  /** The complete desired states the agent handed on. */
  private final BlockingQueue<DesiredState> desired = new LinkedBlockingQueue<>();
  private Server lead;
  private LeadStream agent;

  /** A lead agent that accepts every registration and answers each Connect with {@code connect}. */
  private static Server lead(java.util.function.Function<StreamObserver<LeadMessage>, StreamObserver<AgentMessage>> connect) throws Exception {
    return Transport.insecure().server(new InetSocketAddress("127.0.0.1", 0)).addService(new AgentGatewayGrpc.AgentGatewayImplBase() {
      @Override
      public void register(RegisterClusterRequest request, StreamObserver<RegisterClusterResponse> out) {
        out.onNext(RegisterClusterResponse.getDefaultInstance());
        out.onCompleted();
      }

      @Override
      public StreamObserver<AgentMessage> connect(StreamObserver<LeadMessage> out) {
        return connect.apply(out);
      }
    }).build().start();
  }

  private void startLead() throws Exception {
    lead = lead(out -> {
      seen.add("connect");
      ((ServerCallStreamObserver<LeadMessage>) out).setOnCancelHandler(() -> {}); // a ping after a cancel is dropped, not thrown
      down = out;
      return new StreamObserver<>() {
        @Override public void onNext(AgentMessage m) {
          if (m.hasHello()) {
            hello = m.getHello();
            seen.add("hello");
          }
        }
        @Override public void onError(Throwable t) { seen.add("cancelled"); }
        @Override public void onCompleted() { seen.add("completed"); }
      };
    });
    RegisterClusterRequest registration = RegisterClusterRequest.newBuilder().setCluster("eu-1").setTier(Tier.TIER_CLOUD).setRegion("eu").build();
    agent = new LeadStream("eu-1", List.of("127.0.0.1:" + lead.getPort()), Transport.insecure(), 20, () -> registration,
        () -> Heartbeat.newBuilder().setCluster("eu-1").build(), desired::add, bytes -> {}, l -> {}, now::get);
    Thread.ofPlatform().daemon().name("lead-stream-test").start(agent);
  }

  @AfterEach
  void stop() {
    if (agent != null) agent.stop();
    if (lead != null) lead.shutdownNow();
  }

  private String next() throws InterruptedException {
    String s = seen.poll(5, TimeUnit.SECONDS);
    return s == null ? "(nothing within 5 s)" : s;
  }

  @Test
  void aStreamSilentPastTheBoundIsDroppedAndOpenedAgain() throws Exception {
    startLead();
    assertThat(next()).isEqualTo("connect");
    assertThat(next()).isEqualTo("hello");

    now.addAndGet(LeadStream.SILENCE_BOUND_MS);          // silent for exactly the bound: kept
    assertThat(seen.poll(300, TimeUnit.MILLISECONDS)).as("what happens within 15 heartbeats").isNull();

    now.addAndGet(1);                                     // past it: dropped, and a new stream
    assertThat(next()).isEqualTo("cancelled");
    assertThat(next()).isEqualTo("connect");
    assertThat(next()).isEqualTo("hello");
  }

  @Test
  void aPingKeepsTheStream() throws Exception {
    startLead();
    assertThat(next()).isEqualTo("connect");
    assertThat(next()).isEqualTo("hello");

    for (int i = 0; i < 4; i++) {
      now.addAndGet(LeadStream.SILENCE_BOUND_MS - 1000);
      down.onNext(LeadMessage.newBuilder().setPing(StreamPing.getDefaultInstance()).build());
      Thread.sleep(100);                                  // the ping arrives; the agent's loop looks 5 times
    }
    assertThat(seen.poll(300, TimeUnit.MILLISECONDS)).as("16 s of pings 4 s apart").isNull();
  }

  @Test
  void aDeltaOnTheStateHeldIsAppliedOneOnAnotherDropsTheStreamAndTheNextHelloSaysWhatIsHeld() throws Exception {
    startLead();
    assertThat(next()).isEqualTo("connect");
    assertThat(next()).isEqualTo("hello");
    assertThat(hello.getAcceptsDeltas()).isTrue();
    assertThat(hello.getHaveDesiredRevision()).isZero();

    DesiredApplication books = DesiredApplication.newBuilder().setApplication("books").setDigest(42).build();
    down.onNext(LeadMessage.newBuilder().setDesiredDelta(DesiredDelta.newBuilder().setCluster("eu-1").setBaseRevision(0).setRevision(5)
        .addUpserts(books)).build());
    assertThat(desired.poll(5, TimeUnit.SECONDS)).isEqualTo(DesiredState.newBuilder().setCluster("eu-1").setRevision(5).addApplications(books).build());

    down.onNext(LeadMessage.newBuilder().setDesiredDelta(DesiredDelta.newBuilder().setCluster("eu-1").setBaseRevision(4).setRevision(6)
        .addRemoved("books")).build());
    assertThat(next()).isEqualTo("cancelled");
    assertThat(next()).isEqualTo("connect");
    assertThat(next()).isEqualTo("hello");
    assertThat(desired).as("nothing handed on from a delta on another revision").isEmpty();
    assertThat(hello.getHaveDesiredRevision()).isEqualTo(5);
    assertThat(hello.getHeldList()).containsExactly(HeldApplication.newBuilder().setApplication("books").setDigest(42).build());
  }

  /**
   * Looks round the lead agents for the leader pause longer each time none leads (so a thousand agents whose leader
   * died do not keep asking in step), and start short again once a stream brought something.
   */
  @Test
  void looksForTheLeaderBackOffUntilAStreamBringsSomethingThenStartShortAgain() throws Exception {
    AtomicLong connects = new AtomicLong();
    lead = lead(out -> {
      if (connects.incrementAndGet() == 4) { // the fourth leads for a moment: a ping, then the stream ends
        out.onNext(LeadMessage.newBuilder().setPing(StreamPing.getDefaultInstance()).build());
        out.onCompleted();
      } else {
        out.onError(io.grpc.Status.UNAVAILABLE.withDescription("not the leader").asRuntimeException());
      }
      return new StreamObserver<>() {
        @Override public void onNext(AgentMessage m) {}
        @Override public void onError(Throwable t) {}
        @Override public void onCompleted() {}
      };
    });
    BlockingQueue<Integer> looks = new LinkedBlockingQueue<>();
    RegisterClusterRequest registration = RegisterClusterRequest.newBuilder().setCluster("eu-1").setTier(Tier.TIER_CLOUD).setRegion("eu").build();
    agent = new LeadStream("eu-1", List.of("127.0.0.1:" + lead.getPort()), Transport.insecure(), 20, () -> registration,
        () -> Heartbeat.newBuilder().setCluster("eu-1").build(), desired::add, bytes -> {}, l -> {}, now::get, true, n -> {
          looks.add(n);
          return 5L;
        });
    Thread.ofPlatform().daemon().name("lead-stream-test").start(agent);

    List<Integer> asked = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) asked.add(looks.poll(5, TimeUnit.SECONDS));
    assertThat(asked).as("the pause asked for after each look, by how many looks in vain it ends").containsExactly(1, 2, 3, 1, 2);
  }

  @Test
  void theStandardPausesAreRandomAndBounded() {
    List<Long> first = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) first.add(LeadStream.RECONNECT.apply(1));
    assertThat(first).allSatisfy(ms -> assertThat(ms).isBetween(50L, 150L));
    assertThat(first.stream().distinct().count()).as("agents do not come back in step").isGreaterThan(20);
    for (int n = 1; n < 30; n++) assertThat(LeadStream.RECONNECT.apply(n)).isBetween(50L, 3_000L);
  }
}
