package io.qonnect.lead.api;

import io.qonnect.transport.Access;
import io.qonnect.transport.Identity;
import java.util.Map;

import io.qonnect.lead.state.StateReader;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qonnect.lead.lease.LeaseBook;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.raft.ControlPlaneClient;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.proto.v1.AgentGatewayGrpc;
import io.qonnect.proto.v1.AgentMessage;
import io.qonnect.proto.v1.Heartbeat;
import io.qonnect.proto.v1.HeldApplication;
import io.qonnect.proto.v1.Hello;
import io.qonnect.proto.v1.LeadMessage;
import io.qonnect.proto.v1.RegisterClusterRequest;
import io.qonnect.proto.v1.RegisterClusterResponse;
import io.qonnect.proto.v1.StreamPing;
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
 * Where resource agents register their member cluster and hold their stream: heartbeats up, the desired state of
 * their cluster down (what changed since what the agent holds, or complete to agents before 0.8), pushed whenever the
 * replicated state changes it, and the leases of the
 * singletons it runs (what is sent when: {@link AgentFeed}); a ping when nothing else went down for about
 * {@value #PING_INTERVAL_MS} ms, so that the agent can tell a quiet leader from a hung one. Only the leader holds
 * streams; a follower refuses with a leader hint and the agent moves on. A stream is one session: one hello, one
 * push task; a second hello closes it.
 */
public final class AgentGatewayGrpcService extends AgentGatewayGrpc.AgentGatewayImplBase {
  private static final long PUSH_INTERVAL_MS = 100;
  /** Components listed in one heartbeat (every component with a pod in the cluster). */
  static final int MAX_RUNNING = 10_000;
  /** Applications an agent's hello says it holds (each ~70 bytes: well inside a request's 4 MiB). */
  static final int MAX_HELD = 50_000;
  /** Well inside the agent's bound on silence (LeadStream.SILENCE_BOUND_MS, 5 s): a few pings may be late or lost. */
  private static final long PING_INTERVAL_MS = 1000;
  private static final LeadMessage PING = LeadMessage.newBuilder().setPing(StreamPing.getDefaultInstance()).build();

  private final ControlPlaneClient client;
  private final GroupView group;
  private final StateReader stateMachine;
  /** One arrangement of each revision for every connected agent's feed. */
  private final DesiredIndex desiredIndex;
  private final AgentSessions sessions;
  private final LeaseBook.Fences fences;
  private final java.util.concurrent.atomic.LongAdder leasesSent = new java.util.concurrent.atomic.LongAdder();
  private final ScheduledExecutorService timer;
  /** Wall time only to stamp heartbeats for people; every timer (leases, heartbeats' age) runs on {@link #monotonicMillis}. */
  private final Clock clock;
  private final LongSupplier monotonicMillis;
  private final long leaseMillis;
  private final AtomicReference<TermLeases> leases = new AtomicReference<>();

  /** Leases are per term: a new leader starts a new book (see {@link LeaseBook}). */
  private record TermLeases(long term, LeaseBook book) {}

  /** Agents only, each for its own member cluster (checked on register and hello); an admin may register clusters without agents. */
  public static final Map<String, Access.Rule> ACCESS = Map.of(
      "Register", Access.Rule.users(Identity.Role.ADMIN).and(Identity.Agent.class),
      "Connect", Access.Rule.services(Identity.Agent.class));

  /** A stream silent this long is taken as dead when its cluster opens another: the health rules' silence. */
  static final long STREAM_SILENT_MILLIS = io.qonnect.lead.health.HealthRules.Config.DEFAULT.silentAfterMillis();

  public AgentGatewayGrpcService(ControlPlaneClient client, GroupView group, StateReader stateMachine, AgentSessions sessions,
      LeaseBook.Fences fences, ScheduledExecutorService timer, Clock clock, LongSupplier monotonicMillis, long leaseMillis) {
    this.monotonicMillis = monotonicMillis;
    this.leaseMillis = leaseMillis;
    this.client = client;
    this.group = group;
    this.stateMachine = stateMachine;
    this.desiredIndex = new DesiredIndex(stateMachine);
    this.sessions = sessions;
    this.fences = fences;
    this.timer = timer;
    this.clock = clock;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<LeadMessage> responseObserver) {
    Outbound out = new Outbound((ServerCallStreamObserver<LeadMessage>) responseObserver);
    AtomicReference<ScheduledFuture<?>> pusher = new AtomicReference<>();
    AtomicReference<String> claimed = new AtomicReference<>();
    Runnable stop = () -> {
      Optional.ofNullable(pusher.get()).ifPresent(f -> f.cancel(false));
      Optional.ofNullable(claimed.get()).ifPresent(c -> sessions.streamClosed(c, out));
    };
    out.onCancel(stop);
    return new StreamObserver<>() {
      /** Only gRPC's thread for this call reads these: a call's messages are handed over one at a time. */
      private boolean greeted;
      /** The member cluster this stream speaks for, from its hello: every heartbeat on it must be that cluster's. */
      private String cluster;

      @Override
      public void onNext(AgentMessage message) {
        switch (message.getBodyCase()) {
          case HELLO -> {
            if (greeted) {
              // a second push task would write this stream from a second thread, and the agent gains nothing
              stop.run();
              out.fail(GrpcErrors.invalid("hello", "a second hello on one stream: a stream is one session, open a new one"));
              return;
            }
            greeted = true;
            if (!group.isLeader()) {
              out.fail(GrpcErrors.unavailable("not the leader", group.leaderGatewayAddress()));
              return;
            }
            Optional<String> foreign = foreignCluster(message.getHello().getCluster());
            if (foreign.isPresent()) {
              out.fail(GrpcErrors.forbidden("hello.cluster: " + foreign.get()));
              return;
            }
            Optional<FieldProblem> problem = helloProblem(message.getHello());
            if (problem.isPresent()) {
              out.fail(GrpcErrors.invalid(problem.get().field(), problem.get().message()));
              return;
            }
            ClusterId cluster = ClusterId.of(message.getHello().getCluster());
            Optional<String> busy = sessions.openStream(cluster.value(), out, monotonicMillis.getAsLong(), STREAM_SILENT_MILLIS, () -> {
              stop.run();
              out.fail(io.grpc.Status.ABORTED.withDescription("replaced by a newer stream of " + cluster.value() + " (this one was silent)").asRuntimeException());
            });
            if (busy.isPresent()) {
              out.fail(io.grpc.Status.ALREADY_EXISTS.withDescription(busy.get()).asRuntimeException());
              return;
            }
            claimed.set(cluster.value());
            this.cluster = cluster.value();
            pusher.set(timer.scheduleWithFixedDelay(new Pusher(cluster, message.getHello(), out, stop), 0, PUSH_INTERVAL_MS, TimeUnit.MILLISECONDS));
          }
          case HEARTBEAT -> {
            Optional<FieldProblem> problem = heartbeatProblem(cluster, message.getHeartbeat());
            if (problem.isPresent()) {
              stop.run();
              out.fail(GrpcErrors.invalid(problem.get().field(), problem.get().message()));
              return;
            }
            sessions.heartbeat(message.getHeartbeat(), monotonicMillis.getAsLong(), clock.millis());
          }
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
        out.complete();
      }
    };
  }

  record FieldProblem(String field, String message) {}

  /** A hello names a valid cluster and lists what the agent holds within bounds. */
  static Optional<FieldProblem> helloProblem(Hello h) {
    if (!ClusterId.isValid(h.getCluster())) return Optional.of(new FieldProblem("hello.cluster", "not a DNS-1123 label"));
    if (h.getHaveDesiredRevision() < 0) return Optional.of(new FieldProblem("hello.have_desired_revision", "must not be negative"));
    if (h.getHeldCount() > MAX_HELD) return Optional.of(new FieldProblem("hello.held", "at most " + MAX_HELD + " entries"));
    for (HeldApplication held : h.getHeldList()) {
      if (held.getApplication().isEmpty() || held.getApplication().length() > 63) {
        return Optional.of(new FieldProblem("hello.held.application", "1-63 characters (an application name)"));
      }
    }
    return Optional.empty();
  }

  /** Heartbeats name the cluster of the stream's hello (a stream speaks for one cluster), and are bounded. */
  static Optional<FieldProblem> heartbeatProblem(String streamCluster, Heartbeat h) {
    if (streamCluster == null) return Optional.of(new FieldProblem("hello", "a heartbeat before the hello"));
    if (!h.getCluster().equals(streamCluster)) return Optional.of(new FieldProblem("heartbeat.cluster", "this stream speaks for " + streamCluster));
    if (h.getSingletonsRunningCount() > MAX_RUNNING) return Optional.of(new FieldProblem("heartbeat.singletons_running", "at most " + MAX_RUNNING + " entries"));
    for (String s : h.getSingletonsRunningList()) {
      if (s.length() > 2 * 63 + 1) return Optional.of(new FieldProblem("heartbeat.singletons_running", "entries are application/component, at most 127 characters"));
    }
    return Optional.empty();
  }

  /**
   * One stream's way down, written by its push task on the timer and by the inbound handler on gRPC's threads:
   * never both at once (a StreamObserver is not thread-safe) and nothing after the stream ended.
   */
  private static final class Outbound {
    private final ServerCallStreamObserver<LeadMessage> out;
    private boolean ended;

    Outbound(ServerCallStreamObserver<LeadMessage> out) {
      this.out = out;
    }

    /** Before the first message (gRPC's rule); with a handler set, gRPC drops writes after a cancel instead of throwing. */
    void onCancel(Runnable handler) {
      out.setOnCancelHandler(handler);
    }

    synchronized boolean ended() {
      return ended || out.isCancelled();
    }

    /** False when the stream has ended: nothing was sent. */
    synchronized boolean send(LeadMessage message) {
      if (ended()) return false;
      out.onNext(message);
      return true;
    }

    synchronized void fail(StatusRuntimeException error) {
      if (ended) return;
      ended = true;
      out.onError(error);
    }

    synchronized void complete() {
      if (ended) return;
      ended = true;
      out.onCompleted();
    }
  }

  /** Why a singleton's lease is held back, as this lead agent's book says (a follower's book is empty). */
  /** Singleton leases granted or renewed and sent to an agent, since this lead agent started (a metric). */
  public long leasesSent() {
    return leasesSent.sum();
  }

  public Optional<String> singletonWaiting(String application, String component) {
    TermLeases t = leases.get();
    return t == null || t.term() != group.term() || !group.isLeader() ? Optional.empty() : t.book().waiting(application, component);
  }

  private TermLeases leases() {
    long term = group.term();
    return leases.updateAndGet(t -> t != null && t.term() == term ? t : new TermLeases(term, new LeaseBook(leaseMillis, monotonicMillis.getAsLong())));
  }

  /**
   * Sends what the cluster's {@link AgentFeed} says is due, and pings after {@value #PING_INTERVAL_MS} ms of
   * nothing else; ends the stream on losing leadership.
   */
  private final class Pusher implements Runnable {
    private final AgentFeed feed;
    private final Outbound out;
    private final Runnable stop;
    /** Runs in a row that sent nothing: counted, not timed, so no clock step can hold a ping back. */
    private long quietRuns;

    Pusher(ClusterId cluster, Hello hello, Outbound out, Runnable stop) {
      this.feed = new AgentFeed(cluster, desiredIndex, hello);
      this.out = out;
      this.stop = stop;
    }

    @Override
    public void run() {
      try {
        if (out.ended()) {
          stop.run();
          return;
        }
        if (!group.isLeader()) {
          stop.run();
          out.fail(GrpcErrors.unavailable("leadership moved", group.leaderGatewayAddress()));
          return;
        }
        boolean spoke = false;
        // a new leader that has not applied the committed tail would send an older state: it waits until it has
        if (group.isLeaderReady()) {
          TermLeases book = leases();
          for (LeadMessage m : feed.next(book.book(), book.term(), fences, monotonicMillis.getAsLong())) {
            boolean sent = out.send(m);
            spoke |= sent;
            if (sent && m.hasLease()) leasesSent.increment();
          }
        }
        quietRuns = spoke ? 0 : quietRuns + 1;
        if (quietRuns * PUSH_INTERVAL_MS >= PING_INTERVAL_MS && out.send(PING)) quietRuns = 0;
      } catch (RuntimeException e) {
        stop.run();
        out.fail(io.grpc.Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      }
    }
  }

  @Override
  public void register(RegisterClusterRequest request, StreamObserver<RegisterClusterResponse> out) {
    Optional<String> foreign = foreignCluster(request.getCluster());
    if (foreign.isPresent()) {
      out.onError(GrpcErrors.forbidden("cluster: " + foreign.get()));
      return;
    }
    List<Violation> problems = new ArrayList<>();
    if (!ClusterId.isValid(request.getCluster())) problems.add(violation("cluster", "'" + request.getCluster() + "' is not a DNS-1123 label"));
    if (request.getTier() == Tier.TIER_UNSPECIFIED || request.getTier() == Tier.UNRECOGNIZED) problems.add(violation("tier", "must be cloud, fog or edge"));
    if (request.getRegion().isBlank() || request.getRegion().length() > 63) problems.add(violation("region", "must be 1-63 characters"));
    if (request.getAgentAddress().length() > 253 + 6) problems.add(violation("agent_address", "at most HOST:PORT, 259 characters"));
    if (request.getLabelsCount() > 64) problems.add(violation("labels", "at most 64 entries"));
    if (!request.getClusterUid().matches("[A-Za-z0-9-]{0,64}")) problems.add(violation("cluster_uid", "at most 64 letters, digits and '-'"));
    if (!problems.isEmpty()) {
      out.onError(GrpcErrors.invalid(problems));
      return;
    }
    client.propose(new Command.RegisterCluster(ClusterId.of(request.getCluster()), ProtoMapper.fromProto(request.getTier()),
        request.getRegion(), request.getAgentAddress(), request.getClusterUid())).whenComplete((result, failure) -> {
          if (failure != null) {
            out.onError(GrpcErrors.notCommitted(failure, group.leaderGatewayAddress()));
          } else if (result instanceof CommandResult.Accepted a) {
            out.onNext(RegisterClusterResponse.newBuilder().setClusterSetRevision(a.revision()).build());
            out.onCompleted();
          } else if (result instanceof CommandResult.Rejected r) {
            out.onError(GrpcErrors.rejected(r));
          }
        });
  }

  /** Why the caller may not speak for {@code cluster}: an agent speaks for the member cluster its certificate names. */
  static Optional<String> foreignCluster(String cluster) {
    return Access.agentSpeakingForAnother(cluster).map(agent -> agent.describe() + " may not speak for '" + cluster + "'");
  }

  private static Violation violation(String path, String message) {
    return Violation.newBuilder().setPath(path).setMessage(message).build();
  }
}
