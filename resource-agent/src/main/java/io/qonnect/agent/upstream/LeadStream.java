package io.qonnect.agent.upstream;

import io.github.resilience4j.core.IntervalFunction;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qonnect.transport.Identity;
import io.qonnect.transport.Transport;
import io.grpc.stub.StreamObserver;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.AgentMessage;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.SingletonLease;
import io.qonnect.proto.v1.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's line to the leader: registers the member cluster, then holds the Connect stream to whichever
 * lead agent leads (followers refuse; the next address is tried), heartbeats on it and hands every desired
 * state (assembled from complete states and deltas: {@link DesiredAssembly}) and singleton lease it receives to its
 * handlers. Reconnects forever; losing the stream never deletes
 * anything. A stream on which the lead agent said nothing, not even its ping, for {@value #SILENCE_BOUND_MS} ms
 * is dropped and another one opened: a hung lead agent must not hold its agents (drills cut it off by dropping its
 * packets: the stream goes silent, it is not closed).
 */
public final class LeadStream implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(LeadStream.class);
  /**
   * Five of the leader's pings (AgentGatewayGrpcService sends one after a second of nothing else): long enough for
   * a GC pause or a busy two-core machine, short next to how long a hung lead agent would otherwise keep the agent.
   */
  static final long SILENCE_BOUND_MS = 5_000;

  private final String cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final long heartbeatMs;
  private final Supplier<RegisterClusterRequest> registration;
  private final Supplier<Heartbeat> heartbeat;
  private final Consumer<DesiredState> onDesired;
  /** The complete desired state assembled from what the streams brought: kept across them, named in each hello. */
  private final DesiredAssembly desired;
  private final LongConsumer desiredBytes;
  private final Consumer<SingletonLease> onLease;
  private final LongSupplier monotonicMillis;
  private final IntervalFunction reconnect;
  private volatile boolean running = true;

  /**
   * Pauses between looks round the lead agents for one that leads: 100 ms ± half, doubling per look that found none, at
   * most 2 s ± half. Random, so that a thousand agents whose leader died do not come back in step: with a fixed half
   * second after each look they asked the survivors thousands of times a second (three tries every 600 ms each) while
   * those held an election, then opened their streams on the new leader all at once (docs/benchmarks.md, leader kill
   * at scale).
   */
  static final IntervalFunction RECONNECT = IntervalFunction.ofExponentialRandomBackoff(100, 2.0, 0.5, 2_000);
  /** Within a look, between one lead agent and the next. */
  private static final long NEXT_ADDRESS_MS = 50;

  public LeadStream(String cluster, List<String> addresses, Transport transport, long heartbeatMs, Supplier<RegisterClusterRequest> registration,
      Supplier<Heartbeat> heartbeat, Consumer<DesiredState> onDesired, LongConsumer desiredBytes, Consumer<SingletonLease> onLease,
      LongSupplier monotonicMillis) {
    this(cluster, addresses, transport, heartbeatMs, registration, heartbeat, onDesired, desiredBytes, onLease, monotonicMillis, true);
  }

  /**
   * @param desiredBytes told the size of every desired-state message received (complete or delta)
   * @param deltas false: ask for complete desired states only, as agents before 0.8 do (a benchmark's comparison)
   */
  public LeadStream(String cluster, List<String> addresses, Transport transport, long heartbeatMs, Supplier<RegisterClusterRequest> registration,
      Supplier<Heartbeat> heartbeat, Consumer<DesiredState> onDesired, LongConsumer desiredBytes, Consumer<SingletonLease> onLease,
      LongSupplier monotonicMillis, boolean deltas) {
    this(cluster, addresses, transport, heartbeatMs, registration, heartbeat, onDesired, desiredBytes, onLease, monotonicMillis, deltas, RECONNECT);
  }

  /**
   * @param reconnect the pause before the n-th look round the lead agents (n from 1; a look after a stream ended is the
   *     first): {@link #RECONNECT} outside tests
   */
  LeadStream(String cluster, List<String> addresses, Transport transport, long heartbeatMs, Supplier<RegisterClusterRequest> registration,
      Supplier<Heartbeat> heartbeat, Consumer<DesiredState> onDesired, LongConsumer desiredBytes, Consumer<SingletonLease> onLease,
      LongSupplier monotonicMillis, boolean deltas, IntervalFunction reconnect) {
    this.reconnect = reconnect;
    this.desired = new DesiredAssembly(deltas);
    this.desiredBytes = desiredBytes;
    this.monotonicMillis = monotonicMillis;
    this.onLease = onLease;
    this.cluster = cluster;
    addresses.forEach(a -> channels.add(transport.channel(a, Identity.LeadAgent.class)));
    this.heartbeatMs = heartbeatMs;
    this.registration = registration;
    this.heartbeat = heartbeat;
    this.onDesired = onDesired;
  }

  private static final long REFUSED_RETRY_MS = 5_000;
  private String lastRefusal = "";

  /** An answer that is a decision, not a failure to reach a lead agent that can decide. */
  private static boolean refusal(Status.Code code) {
    return code == Status.Code.ALREADY_EXISTS || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.PERMISSION_DENIED
        || code == Status.Code.INVALID_ARGUMENT || code == Status.Code.UNAUTHENTICATED;
  }

  @Override
  public void run() {
    boolean registered = false;
    int looks = 1; // looks round the lead agents since a stream last brought something, this one included
    int tried = 0; // lead agents tried in vain since then
    for (int attempt = 0; running; attempt++) {
      ManagedChannel channel = channels.get(attempt % channels.size());
      boolean heard = false;
      try {
        if (!registered) {
          RegisterClusterRequest r = registration.get();
          if (r.getTier() == Tier.TIER_UNSPECIFIED) {
            // nothing a lead agent can help with: the member cluster's nodes must say; say it once, then keep looking
            String why = "its tier is not known: no node carries a qonnect.io/tier label (cloud, fog or edge)";
            if (!why.equals(lastRefusal)) LOG.warn("{}: cannot register yet, {}", cluster, why);
            lastRefusal = why;
            sleep(REFUSED_RETRY_MS);
            continue;
          }
          AgentGatewayGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).register(r);
          registered = true;
          LOG.info("{}: registered ({} in {})", cluster, r.getTier(), r.getRegion());
        }
        heard = holdStream(channel);
      } catch (StatusRuntimeException e) {
        if (refusal(e.getStatus().getCode())) {
          // the lead agents answered and said no (a name bound to another cluster, a certificate for another one, a
          // bad registration): an operator must act; keep asking, in case they do, and say it once per reason
          String why = e.getStatus().getCode() + ": " + e.getStatus().getDescription();
          if (!why.equals(lastRefusal)) LOG.warn("{}: the lead agents refuse this agent's registration ({}); retrying until they accept it", cluster, why);
          lastRefusal = why;
          sleep(REFUSED_RETRY_MS);
        } else {
          LOG.debug("{}: lead agent {} not usable: {}", cluster, channel.authority(), e.toString());
        }
      } catch (RuntimeException e) {
        LOG.debug("{}: lead agent {} not usable: {}", cluster, channel.authority(), e.toString());
      }
      if (heard) { // the stream ended: a new look, from the next lead agent on
        looks = 1;
        tried = 0;
      } else {
        tried++;
      }
      sleep(tried % channels.size() == 0 ? reconnect.apply(looks++) : NEXT_ADDRESS_MS);
    }
  }

  /**
   * Returns when the stream ends (leader lost, lead agent gone); keeps heartbeating while it lasts.
   *
   * @return whether the lead agent said anything on it (it led, at least for a while)
   */
  private boolean holdStream(ManagedChannel channel) {
    CountDownLatch ended = new CountDownLatch(1);
    CountDownLatch mismatch = new CountDownLatch(1);
    StreamSilence silence = new StreamSilence(monotonicMillis, SILENCE_BOUND_MS);
    java.util.concurrent.atomic.AtomicBoolean said = new java.util.concurrent.atomic.AtomicBoolean();
    StreamObserver<AgentMessage> up = AgentGatewayGrpc.newStub(channel).connect(new StreamObserver<>() {
      @Override
      public void onNext(LeadMessage m) {
        silence.heard(); // whatever it is: a ping says only that
        said.set(true);
        switch (m.getBodyCase()) {
          case DESIRED_STATE -> {
            desiredBytes.accept(m.getDesiredState().getSerializedSize());
            onDesired.accept(desired.accept(m.getDesiredState()));
          }
          case DESIRED_DELTA -> {
            desiredBytes.accept(m.getDesiredDelta().getSerializedSize());
            Optional<DesiredState> next = desired.accept(m.getDesiredDelta());
            if (next.isPresent()) {
              onDesired.accept(next.get());
            } else {
              LOG.warn("{}: a desired-state delta based on revision {}, not on the one held; connecting again with what is held", cluster,
                  m.getDesiredDelta().getBaseRevision());
              mismatch.countDown();
              ended.countDown();
            }
          }
          case LEASE -> onLease.accept(m.getLease());
          case PING, BODY_NOT_SET -> { }
        }
      }

      @Override
      public void onError(Throwable t) {
        ended.countDown();
      }

      @Override
      public void onCompleted() {
        ended.countDown();
      }
    });
    try {
      synchronized (up) {
        up.onNext(AgentMessage.newBuilder().setHello(desired.hello(cluster)).build());
        up.onNext(AgentMessage.newBuilder().setHeartbeat(heartbeat.get()).build());
      }
      while (running && !ended.await(heartbeatMs, TimeUnit.MILLISECONDS)) {
        if (silence.exceeded()) {
          LOG.warn("{}: nothing from lead agent {} for {} ms; dropping the stream and connecting again", cluster, channel.authority(),
              silence.silentMillis());
          synchronized (up) {
            up.onError(Status.DEADLINE_EXCEEDED.withDescription("the lead agent was silent for more than " + SILENCE_BOUND_MS + " ms")
                .asRuntimeException()); // cancels the call: a half-close would leave it open on a hung lead agent
          }
          return said.get();
        }
        synchronized (up) {
          up.onNext(AgentMessage.newBuilder().setHeartbeat(heartbeat.get()).build());
        }
      }
      synchronized (up) {
        if (mismatch.getCount() == 0) up.onError(Status.FAILED_PRECONDITION.withDescription("a delta not based on the desired state held").asRuntimeException());
        else up.onCompleted();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } catch (RuntimeException e) {
      up.onError(e);
    }
    return said.get();
  }


  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void stop() {
    running = false;
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
