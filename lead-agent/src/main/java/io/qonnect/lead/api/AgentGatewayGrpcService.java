package io.qonnect.lead.api;

import io.qonnect.lead.state.StateReader;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qonnect.lead.lease.SingletonLeases;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.raft.ControlPlaneClient;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.AgentMessage;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.RegisterClusterResponse;
import io.qonnect.proto.v1.SingletonLease;
import io.qonnect.proto.v1.Tier;
import io.qonnect.proto.v1.Violation;
import java.time.Clock;
import java.util.function.LongSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where resource agents register their member cluster and hold their stream: heartbeats up, the complete
 * desired state of their cluster down, pushed again whenever the replicated state changes it, and the leases
 * of the singletons it runs, renewed every {@value #LEASE_RENEW_MS} ms. Only the leader holds streams; a
 * follower refuses with a leader hint and the agent moves on.
 */
public final class AgentGatewayGrpcService extends AgentGatewayGrpc.AgentGatewayImplBase {
  private static final long PUSH_INTERVAL_MS = 100;

  private final ControlPlaneClient client;
  private final GroupView group;
  private final StateReader stateMachine;
  private final AgentSessions sessions;
  private final SingletonLeases.Fences fences;
  private final ScheduledExecutorService timer;
  /** Wall time only to stamp heartbeats for people; every timer (leases, heartbeats' age) runs on {@link #monotonicMillis}. */
  private final Clock clock;
  private final LongSupplier monotonicMillis;
  private final long leaseMillis;
  private final AtomicReference<TermLeases> leases = new AtomicReference<>();

  /** Leases are per term: a new leader starts a new book (see {@link SingletonLeases}). */
  private record TermLeases(long term, SingletonLeases book) {}

  public AgentGatewayGrpcService(ControlPlaneClient client, GroupView group, StateReader stateMachine, AgentSessions sessions,
      SingletonLeases.Fences fences, ScheduledExecutorService timer, Clock clock, LongSupplier monotonicMillis, long leaseMillis) {
    this.monotonicMillis = monotonicMillis;
    this.leaseMillis = leaseMillis;
    this.client = client;
    this.group = group;
    this.stateMachine = stateMachine;
    this.sessions = sessions;
    this.fences = fences;
    this.timer = timer;
    this.clock = clock;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<LeadMessage> responseObserver) {
    ServerCallStreamObserver<LeadMessage> out = (ServerCallStreamObserver<LeadMessage>) responseObserver;
    AtomicReference<ScheduledFuture<?>> pusher = new AtomicReference<>();
    Runnable stop = () -> Optional.ofNullable(pusher.get()).ifPresent(f -> f.cancel(false));
    out.setOnCancelHandler(stop::run);
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage message) {
        switch (message.getBodyCase()) {
          case HELLO -> {
            if (!group.isLeader()) {
              out.onError(GrpcErrors.unavailable("not the leader", group.leaderApiAddress()));
              return;
            }
            if (!ClusterId.isValid(message.getHello().getCluster())) {
              out.onError(GrpcErrors.invalid("hello.cluster", "not a DNS-1123 label"));
              return;
            }
            ClusterId cluster = ClusterId.of(message.getHello().getCluster());
            pusher.set(timer.scheduleWithFixedDelay(new Pusher(cluster, out, stop), 0, PUSH_INTERVAL_MS, TimeUnit.MILLISECONDS));
          }
          case HEARTBEAT -> sessions.heartbeat(message.getHeartbeat(), monotonicMillis.getAsLong(), clock.millis());
          case APPLY_REPORT, BODY_NOT_SET -> { }
        }
      }

      @Override
      public void onError(Throwable t) {
        stop.run();
      }

      @Override
      public void onCompleted() {
        stop.run();
        out.onCompleted();
      }
    };
  }

  /** Why a singleton's lease is held back, as this lead agent's book says (a follower's book is empty). */
  public Optional<String> singletonWaiting(String application, String component) {
    TermLeases t = leases.get();
    return t == null || t.term() != group.term() || !group.isLeader() ? Optional.empty() : t.book().waiting(application, component);
  }

  private SingletonLeases leases() {
    long term = group.term();
    return leases.updateAndGet(t -> t != null && t.term() == term ? t : new TermLeases(term, new SingletonLeases(leaseMillis, monotonicMillis.getAsLong()))).book();
  }

  /** Sends what the cluster's {@link AgentFeed} says is due; ends the stream on losing leadership. */
  private final class Pusher implements Runnable {
    private final AgentFeed feed;
    private final ServerCallStreamObserver<LeadMessage> out;
    private final Runnable stop;

    Pusher(ClusterId cluster, ServerCallStreamObserver<LeadMessage> out, Runnable stop) {
      this.feed = new AgentFeed(cluster, stateMachine);
      this.out = out;
      this.stop = stop;
    }

    @Override
    public void run() {
      try {
        if (out.isCancelled()) {
          stop.run();
          return;
        }
        if (!group.isLeader()) {
          stop.run();
          out.onError(GrpcErrors.unavailable("leadership moved", group.leaderApiAddress()));
          return;
        }
        // a new leader that has not applied the committed tail would send an older state: it waits until it has
        if (group.isLeaderReady()) feed.next(leases(), fences, monotonicMillis.getAsLong()).forEach(out::onNext);
      } catch (RuntimeException e) {
        stop.run();
        out.onError(io.grpc.Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      }
    }
  }

  @Override
  public void register(RegisterClusterRequest request, StreamObserver<RegisterClusterResponse> out) {
    List<Violation> problems = new ArrayList<>();
    if (!ClusterId.isValid(request.getCluster())) problems.add(violation("cluster", "'" + request.getCluster() + "' is not a DNS-1123 label"));
    if (request.getTier() == Tier.TIER_UNSPECIFIED || request.getTier() == Tier.UNRECOGNIZED) problems.add(violation("tier", "must be cloud, fog or edge"));
    if (request.getRegion().isBlank()) problems.add(violation("region", "must not be empty"));
    if (!problems.isEmpty()) {
      out.onError(GrpcErrors.invalid(problems));
      return;
    }
    client.propose(new Command.RegisterCluster(ClusterId.of(request.getCluster()), ProtoMapper.fromProto(request.getTier()),
        request.getRegion(), request.getAgentAddress())).whenComplete((result, failure) -> {
          if (failure != null) {
            out.onError(GrpcErrors.notCommitted(failure, group.leaderApiAddress()));
          } else if (result instanceof CommandResult.Accepted a) {
            out.onNext(RegisterClusterResponse.newBuilder().setClusterSetRevision(a.revision()).build());
            out.onCompleted();
          } else if (result instanceof CommandResult.Rejected r) {
            out.onError(GrpcErrors.rejected(r));
          }
        });
  }

  private static Violation violation(String path, String message) {
    return Violation.newBuilder().setPath(path).setMessage(message).build();
  }
}
