package io.qonnect.lead.api;

import io.qonnect.lead.state.Diagnoses;
import io.qonnect.transport.Access;
import io.qonnect.transport.Identity;

import io.qonnect.lead.state.StateReader;
import io.qonnect.lead.placing.Readiness;
import io.qonnect.placement.yaml.YamlLimits;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.lead.proto.SpecCodec;
import io.qonnect.proto.v1.ApplicationSpec;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.qonnect.lead.placing.ObservationSource;
import io.qonnect.lead.proto.ProtoMapper;
import io.qonnect.lead.raft.ControlPlaneClient;
import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import io.qonnect.lead.state.EventRecord;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.proto.v1.ApplicationDescription;
import io.qonnect.proto.v1.ApplicationStatus;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.ApplyResponse;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.ClusterStatus;
import io.qonnect.proto.v1.ClusterWorkloads;
import io.qonnect.proto.v1.ComponentStatus;
import io.qonnect.proto.v1.ControlPlaneEvent;
import io.qonnect.proto.v1.ControlPlaneGrpc;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.DeleteApplicationResponse;
import io.qonnect.proto.v1.GetApplicationRequest;
import io.qonnect.proto.v1.LeaderRequest;
import io.qonnect.proto.v1.LeaderResponse;
import io.qonnect.proto.v1.ListApplicationsRequest;
import io.qonnect.proto.v1.ListApplicationsResponse;
import io.qonnect.proto.v1.ListClustersRequest;
import io.qonnect.proto.v1.ListClustersResponse;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.Resources;
import io.qonnect.proto.v1.Violation;
import io.qonnect.proto.v1.WatchRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The client API, served by every lead agent. Writes go through the Raft client, which reaches the leader
 * from any peer; reads pass a linearizable read barrier first, so a client sees its own writes whichever lead
 * agent it asks. Specs are validated here, before anything reaches the log: invalid input is refused with
 * every violation and nothing is stored.
 */
public final class ControlPlaneGrpcService extends ControlPlaneGrpc.ControlPlaneImplBase {
  /** Who asks, for the audit trail: the caller's certificate identity ("" without TLS). */
  private static String actor() {
    return Access.caller() instanceof Identity.Insecure ? "" : Access.caller().uri();
  }

  private static final java.util.regex.Pattern REQUEST_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * The request a write belongs to as the log names it: its id qualified by who sent it (one caller cannot answer for
   * another's request), "" when it has none; empty after refusing a malformed id.
   */
  private static Optional<String> requestId(String id, StreamObserver<?> out) {
    if (id.isEmpty()) return Optional.of("");
    if (!REQUEST_ID.matcher(id).matches()) {
      String shown = id.length() > 64 ? id.substring(0, 64) + "… (" + id.length() + " characters)" : id;
      out.onError(GrpcErrors.invalid("request_id", "at most 64 of A-Z a-z 0-9 . _ -, got \"" + shown + "\""));
      return Optional.empty();
    }
    return Optional.of(actor() + " " + id);
  }

  /** Whether the caller is a user limited to some applications ({@link Identity.User#scope()}). */
  private static boolean scoped() {
    return Access.caller() instanceof Identity.User u && !u.scope().isEmpty();
  }

  /** The refusal a scoped user gets for an application with {@code labels} outside its scope; empty when it may. */
  private static Optional<StatusRuntimeException> outOfScope(String application, Map<String, String> labels) {
    if (!reaches(labels) && Access.caller() instanceof Identity.User u) {
      return Optional.of(GrpcErrors.forbidden("application " + application + " is outside the scope of " + u.describe() + ": its labels are "
          + new java.util.TreeMap<>(labels)));
    }
    return Optional.empty();
  }

  /** Whether the caller may act on an application with {@code labels}: anyone but a user whose scope they miss. */
  private static boolean reaches(Map<String, String> labels) {
    return !(Access.caller() instanceof Identity.User u) || u.reaches(labels);
  }

  private static Map<String, String> labels(ApplicationRecord app) {
    return app.spec().getLabelsList().stream().collect(Collectors.toMap(l -> l.getKey(), l -> l.getValue(), (a, b) -> b));
  }

  /** Users by role: viewers read, operators apply and delete. Lead agents ask each other {@code Leader} (the feature gate). */
  public static final Map<String, Access.Rule> ACCESS = Map.of(
      "Apply", Access.Rule.users(Identity.Role.OPERATOR),
      "DeleteApplication", Access.Rule.users(Identity.Role.OPERATOR),
      "GetApplication", Access.Rule.users(Identity.Role.VIEWER),
      "ListApplications", Access.Rule.users(Identity.Role.VIEWER),
      "DescribeApplication", Access.Rule.users(Identity.Role.VIEWER),
      "ListClusters", Access.Rule.users(Identity.Role.VIEWER),
      "Watch", Access.Rule.users(Identity.Role.VIEWER),
      "Leader", Access.Rule.users(Identity.Role.VIEWER).and(Identity.LeadAgent.class),
      "ConsoleLogin", Access.Rule.users(Identity.Role.VIEWER));

  private static final int RECENT_EVENTS = 20;
  /**
   * Reads show observations (readiness, cluster reports) at most this old: one knowledge-base snapshot serves every
   * read and watch poll within it, instead of one fetch each (a watch polls every 100 ms).
   */
  static final long READ_MAX_AGE_MILLIS = 1_000;

  private final StateReader stateMachine;
  private final ControlPlaneClient client;
  private final GroupView group;
  private final ObservationSource observations;
  private final AgentSessions sessions;
  private final SingletonWaits singletonWaits;
  private final ScheduledExecutorService watchTimer;
  private final QosSpecParser parser = new QosSpecParser();
  private final io.qonnect.lead.console.ConsoleTokens consoleTokens;

  /** Why a singleton's placed replica cannot start yet (the leader's lease book), if it is held back. */
  @FunctionalInterface
  public interface SingletonWaits {
    Optional<String> waiting(String application, String component);
  }

  public ControlPlaneGrpcService(StateReader stateMachine, ControlPlaneClient client, GroupView group,
      ObservationSource observations, AgentSessions sessions, SingletonWaits singletonWaits, ScheduledExecutorService watchTimer,
      io.qonnect.lead.console.ConsoleTokens consoleTokens) {
    this.consoleTokens = consoleTokens;
    this.sessions = sessions;
    this.singletonWaits = singletonWaits;
    this.stateMachine = stateMachine;
    this.client = client;
    this.group = group;
    this.observations = observations;
    this.watchTimer = watchTimer;
  }

  @Override
  public void apply(ApplyRequest request, StreamObserver<ApplyResponse> out) {
    if (request.getSpecYamlBytes().size() > YamlLimits.MAX_DOCUMENT_BYTES) {
      out.onError(GrpcErrors.invalid("spec_yaml", YamlLimits.tooLarge(request.getSpecYamlBytes().size())));
      return;
    }
    Optional<String> requestId = requestId(request.getRequestId(), out);
    if (requestId.isEmpty()) return;
    QosSpec spec;
    switch (parser.parse(request.getSpecYaml())) {
      case Parsed.Invalid<QosSpec> invalid -> {
        out.onError(GrpcErrors.invalid(invalid.violations().stream().map(ControlPlaneGrpcService::toProto).toList()));
        return;
      }
      case Parsed.Valid<QosSpec> valid -> spec = valid.value();
    }
    // the one parse of this submission (above) becomes the canonical typed form everything after it carries
    ApplicationSpec canonical = SpecCodec.toProto(spec);
    if (scoped() && !barrier(out)) return; // a scope is checked against the committed state, not a stale replica's
    Optional<ApplicationRecord> before = read(s -> s.application(spec.name()));
    Optional<StatusRuntimeException> outside = outOfScope(spec.name(), spec.labels()).or(() -> before.flatMap(b -> outOfScope(b.name(), labels(b))));
    if (outside.isPresent()) {
      out.onError(outside.get());
      return;
    }
    // a scoped user's write holds only if nobody relabelled the application since it was read: compare-and-set
    long expected = request.getExpectedRevision() == 0 && scoped() && before.isPresent() ? before.get().specRevision() : request.getExpectedRevision();
    if (request.getDryRun()) {
      ApplyResponse.Outcome outcome = before.isEmpty() ? ApplyResponse.Outcome.CREATED
          : before.get().spec().equals(canonical) ? ApplyResponse.Outcome.UNCHANGED : ApplyResponse.Outcome.CONFIGURED;
      answer(out, ApplyResponse.newBuilder().setApplication(spec.name()).setOutcome(outcome).setSpecRevision(before.map(ApplicationRecord::specRevision).orElse(0L)).build());
      return;
    }
    propose(out, new Command.SubmitApplication(spec.name(), request.getSpecYaml(), canonical, expected, actor()), requestId.get(), accepted ->
        ApplyResponse.newBuilder().setApplication(spec.name()).setSpecRevision(accepted.revision())
            .setOutcome(!accepted.changed() ? ApplyResponse.Outcome.UNCHANGED
                : before.isPresent() ? ApplyResponse.Outcome.CONFIGURED : ApplyResponse.Outcome.CREATED)
            .build());
  }

  @Override
  public void deleteApplication(DeleteApplicationRequest request, StreamObserver<DeleteApplicationResponse> out) {
    Optional<String> requestId = requestId(request.getRequestId(), out);
    if (requestId.isEmpty()) return;
    if (scoped() && !barrier(out)) return;
    Optional<StatusRuntimeException> outside = read(s -> s.application(request.getName())).flatMap(app -> outOfScope(app.name(), labels(app)));
    if (outside.isPresent()) {
      out.onError(outside.get());
      return;
    }
    propose(out, new Command.DeleteApplication(request.getName(), actor()), requestId.get(),
        accepted -> DeleteApplicationResponse.newBuilder().setRevision(accepted.revision()).build());
  }

  @Override
  public void getApplication(GetApplicationRequest request, StreamObserver<ApplicationStatus> out) {
    if (!barrier(out)) return;
    read(s -> s.application(request.getName())).ifPresentOrElse(
        app -> outOfScope(app.name(), labels(app)).ifPresentOrElse(out::onError, () -> answer(out, status(app, readiness()))),
        () -> out.onError(GrpcErrors.notFound("application " + request.getName())));
  }

  @Override
  public void listApplications(ListApplicationsRequest request, StreamObserver<ListApplicationsResponse> out) {
    if (!barrier(out)) return;
    if (!scoped()) {
      answer(out, applications());
      return;
    }
    Set<String> reachable = read(s -> s.applications()).stream().filter(app -> reaches(labels(app))).map(ApplicationRecord::name).collect(Collectors.toSet());
    answer(out, ListApplicationsResponse.newBuilder().addAllApplications(applications().getApplicationsList().stream()
        .filter(a -> reachable.contains(a.getName())).toList()).build());
  }

  /** Every application as this replica knows it (no read barrier: the console's view, which says which index it shows). */
  public ListApplicationsResponse applications() {
    Readiness readiness = readiness();
    return ListApplicationsResponse.newBuilder().addAllApplications(read(s -> s.applications()).stream().map(a -> status(a, readiness)).toList()).build();
  }

  @Override
  public void describeApplication(GetApplicationRequest request, StreamObserver<ApplicationDescription> out) {
    if (!barrier(out)) return;
    Optional<StatusRuntimeException> outside = read(s -> s.application(request.getName())).flatMap(app -> outOfScope(app.name(), labels(app)));
    if (outside.isPresent()) {
      out.onError(outside.get());
      return;
    }
    description(request.getName()).ifPresentOrElse(d -> answer(out, d), () -> out.onError(GrpcErrors.notFound("application " + request.getName())));
  }

  /** One application with its explanation, diagnosis and recent events, as this replica knows it (no read barrier). */
  public Optional<ApplicationDescription> description(String name) {
    record Found(Optional<ApplicationRecord> app, List<EventRecord> events) {}
    Found found = read(s -> new Found(s.application(name), s.events()));
    if (found.app().isEmpty()) return Optional.empty();
    ApplicationRecord app = found.app().get();
    List<ControlPlaneEvent> events = found.events().stream().filter(e -> e.subject().equals(app.name())).map(ControlPlaneGrpcService::toProto).toList();
    ApplicationDescription.Builder description = ApplicationDescription.newBuilder()
        .setStatus(status(app, readiness()))
        .setSpecYaml(SpecRedaction.redact(app.specYaml()))
        .setExplanation(app.explanation())
        .setDiagnosis(Diagnoses.headline(app.name(), app.diagnosis()))
        .addAllRecentEvents(events.subList(Math.max(0, events.size() - RECENT_EVENTS), events.size()))
        .setKnowledgeBaseDegraded(observations.degraded());
    if (!Diagnoses.NONE.equals(app.diagnosis())) description.setDiagnosisDetail(app.diagnosis());
    return Optional.of(description.build());
  }

  @Override
  public void listClusters(ListClustersRequest request, StreamObserver<ListClustersResponse> out) {
    if (!barrier(out)) return;
    answer(out, clusters());
  }

  /** The member clusters as this replica knows them, with what their agents last reported (no read barrier). */
  public ListClustersResponse clusters() {
    Map<String, ClusterReport> reports = observations.recent(READ_MAX_AGE_MILLIS).getClustersList().stream()
        .collect(Collectors.toMap(ClusterReport::getCluster, Function.identity(), (a, b) -> b));
    var b = ListClustersResponse.newBuilder();
    Map<io.qonnect.placement.snapshot.ClusterId, io.qonnect.placement.spec.Resources> placed = new java.util.HashMap<>();
    read(s -> s.applications()).forEach(a -> a.servingDemand().forEach((c, r) -> placed.merge(c, r, io.qonnect.placement.spec.Resources::plus)));
    for (ClusterRecord c : read(s -> s.clusters())) {
      var status = ClusterStatus.newBuilder().setName(c.id().value()).setTier(ProtoMapper.toProto(c.tier())).setRegion(c.region())
          .setHealth(ProtoMapper.toProto(c.health())).setHealthReason(c.healthReason()).setClusterUid(c.clusterUid())
          .setLastHeartbeatUnixMillis(sessions.lastHeartbeatUnixMillis(c.id().value()))
          .setAgentCertificateNotAfterUnixMillis(sessions.last(c.id().value()).map(l -> l.heartbeat().getCertificateNotAfterUnixMillis()).orElse(0L));
      var demand = placed.getOrDefault(c.id(), io.qonnect.placement.spec.Resources.ZERO);
      status.setPlaced(Resources.newBuilder().setCpuMillis(demand.cpuMillis()).setMemoryBytes(demand.memoryBytes()));
      ClusterReport report = reports.get(c.id().value());
      if (report != null) {
        status.setAllocatable(sum(report.getNodesList(), NodeObservation::getAllocatable)).setObservedUnixMillis(report.getObservedUnixMillis());
        status.setUsed(sum(report.getNodesList(), NodeObservation::getRequested));
      }
      b.addClusters(status);
    }
    return b.build();
  }

  /** The most recent events this replica holds, oldest first. */
  public List<ControlPlaneEvent> recentEvents(int limit) {
    List<EventRecord> events = read(s -> s.events());
    return events.subList(Math.max(0, events.size() - limit), events.size()).stream().map(ControlPlaneGrpcService::toProto).toList();
  }

  @Override
  public void leader(LeaderRequest request, StreamObserver<LeaderResponse> out) {
    record Applied(long index, String hash, int featureLevel) {}
    Applied applied = read(s -> new Applied(s.lastAppliedIndex(), io.qonnect.lead.raft.SnapshotCodec.hash(s), s.featureLevel()));
    answer(out, LeaderResponse.newBuilder()
        .setLeaderId(group.leaderId().orElse(""))
        .setLeaderAddress(group.leaderApiAddress())
        .setTerm(group.term())
        .addAllPeers(group.peers().stream().map(p -> p.id() + "=" + p.apiAddress()).toList())
        .setThisId(group.selfId())
        .setAppliedIndex(applied.index())
        .setStateHash(applied.hash())
        .setSupportedFeatureLevel(FeatureLevels.SUPPORTED)
        .setFeatureLevel(applied.featureLevel())
        .build());
  }

  @Override
  public void consoleLogin(io.qonnect.proto.v1.ConsoleLoginRequest request, StreamObserver<io.qonnect.proto.v1.ConsoleLoginResponse> out) {
    String url = consoleTokens.consoleUrl();
    if (url.isEmpty()) {
      out.onError(Status.FAILED_PRECONDITION.withDescription("lead agent " + group.selfId() + " serves no console").asRuntimeException());
      return;
    }
    String token = consoleTokens.issue(actor());
    long expires = consoleTokens.grant(token).map(io.qonnect.lead.console.ConsoleTokens.Grant::expiresMillis).orElse(0L);
    answer(out, io.qonnect.proto.v1.ConsoleLoginResponse.newBuilder().setUrl(url + "#token=" + token).setLeadAgent(group.selfId())
        .setExpiresUnixMillis(expires).build());
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<ControlPlaneEvent> responseObserver) {
    ServerCallStreamObserver<ControlPlaneEvent> out = (ServerCallStreamObserver<ControlPlaneEvent>) responseObserver;
    AtomicLong sent = new AtomicLong(request.getFromRevision() > 0 ? request.getFromRevision() - 1
        : request.getFollow() ? read(s -> s.revision()) : 0);
    Runnable push = () -> {
      for (EventRecord e : read(s -> s.events())) {
        if (e.revision() > sent.get()) {
          out.onNext(toProto(e));
          sent.set(e.revision());
        }
      }
    };
    if (!request.getFollow()) {
      if (!barrier(out)) return;
      push.run();
      out.onCompleted();
      return;
    }
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    out.setOnCancelHandler(() -> task.get().cancel(false));
    task.set(watchTimer.scheduleWithFixedDelay(() -> {
      try {
        if (!out.isCancelled()) push.run();
      } catch (RuntimeException e) {
        task.get().cancel(false);
        out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
      }
    }, 0, 100, TimeUnit.MILLISECONDS));
  }

  // ---- helpers ----

  private Readiness readiness() {
    return Readiness.of(observations.recent(READ_MAX_AGE_MILLIS));
  }

  private ApplicationStatus status(ApplicationRecord app, Readiness readiness) {
    var b = ApplicationStatus.newBuilder().setName(app.name()).setSpecRevision(app.specRevision()).setPlacementEpoch(app.placementEpoch());
    boolean allReady = true;
    if (app.placement() != null) {
      for (var component : app.placement().components().entrySet()) {
        var c = ComponentStatus.newBuilder().setComponent(component.getKey());
        singletonWaits.waiting(app.name(), component.getKey()).ifPresent(c::setWaiting);
        for (var cluster : component.getValue().entrySet()) {
          int ready = readiness.of(app, component.getKey(), cluster.getKey().value());
          c.addDesired(ProtoMapper.replicas(cluster.getKey().value(), cluster.getValue()));
          c.addReady(ProtoMapper.replicas(cluster.getKey().value(), ready));
          var workloads = readiness.workloads(app, component.getKey(), cluster.getKey().value());
          if (!workloads.isEmpty()) c.addWorkloads(ClusterWorkloads.newBuilder().setCluster(cluster.getKey().value()).addAllWorkloads(workloads));
          allReady &= ready >= cluster.getValue();
        }
        b.addComponents(c);
      }
    }
    if (app.migrating()) {
      List<String> waiting = readiness.waitingFor(app);
      b.setMigration("to epoch " + app.placementEpoch() + (app.migratingSinceMillis() > 0 ? " since " + java.time.Instant.ofEpochMilli(app.migratingSinceMillis()) : "")
          + (waiting.isEmpty() ? "; Ready, completing" : "; waiting for: " + String.join("; ", waiting)));
    }
    if (app.placedSpecRevision() == 0) b.setPhase(ApplicationStatus.Phase.PENDING);
    else if (app.unschedulable()) b.setPhase(ApplicationStatus.Phase.UNSCHEDULABLE);
    else b.setPhase(allReady ? ApplicationStatus.Phase.READY : ApplicationStatus.Phase.PLACED);
    return b.build();
  }

  private <T> T read(Function<io.qonnect.lead.state.ControlPlaneState, T> f) {
    return stateMachine.read(f);
  }

  /** A read without a caller's deadline waits at most this long for its barrier. */
  private static final long READ_WAIT_CAP_MS = 30_000;

  private boolean barrier(StreamObserver<?> out) {
    // within the caller's deadline, leaving a tenth of it (at least half a second, for a busy machine) for the answer:
    // "no leader reachable" rather than a bare timeout
    io.grpc.Deadline deadline = io.grpc.Context.current().getDeadline();
    long remaining = deadline == null ? READ_WAIT_CAP_MS : deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS);
    long waitMillis = deadline == null ? READ_WAIT_CAP_MS : Math.max(1, Math.min(READ_WAIT_CAP_MS, remaining - Math.max(remaining / 10, 500)));
    try {
      client.readBarrier(waitMillis);
      return true;
    } catch (IOException e) {
      out.onError(GrpcErrors.unavailable("no leader reachable for a consistent read: " + e.getMessage(), group.leaderApiAddress()));
      return false;
    }
  }

  private static final long WRITE_WAIT_CAP_MS = 60_000;

  private <T> void propose(StreamObserver<T> out, Command command, String requestId, Function<CommandResult.Accepted, T> onAccepted) {
    // the caller's deadline bounds the write (at most a minute: a caller without one has stopped waiting by then)
    io.grpc.Deadline deadline = io.grpc.Context.current().getDeadline();
    long waitMillis = deadline == null ? WRITE_WAIT_CAP_MS : Math.min(WRITE_WAIT_CAP_MS, Math.max(1, deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS)));
    client.proposeWithin(command, waitMillis, requestId).whenComplete((result, failure) -> {
      if (failure != null) {
        out.onError(GrpcErrors.notCommitted(failure, group.leaderApiAddress()));
        return;
      }
      switch (result) {
        case CommandResult.Accepted a -> answer(out, onAccepted.apply(a));
        case CommandResult.Rejected r -> out.onError(GrpcErrors.rejected(r));
      }
    });
  }

  private static <T> void answer(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  private static Resources sum(List<NodeObservation> nodes, Function<NodeObservation, Resources> f) {
    long cpu = 0;
    long mem = 0;
    for (NodeObservation n : nodes) {
      cpu += f.apply(n).getCpuMillis();
      mem += f.apply(n).getMemoryBytes();
    }
    return Resources.newBuilder().setCpuMillis(cpu).setMemoryBytes(mem).build();
  }

  static Violation toProto(io.qonnect.placement.spec.Violation v) {
    return Violation.newBuilder().setPath(v.path()).setMessage(v.message()).setLine(v.line()).setColumn(v.column()).build();
  }

  static ControlPlaneEvent toProto(EventRecord e) {
    return ControlPlaneEvent.newBuilder().setRevision(e.revision()).setTimeUnixMillis(e.timeMillis()).setKind(e.kind().displayName())
        .setType(io.qonnect.proto.v1.EventKind.forNumber(e.kind().ordinal()))
        .setSubject(e.subject()).setMessage(e.message()).build();
  }
}
