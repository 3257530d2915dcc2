package io.qonnect.lead.state;

import io.qonnect.names.DnsLabel;
import io.qonnect.lead.state.Command.CommitPlacement;
import io.qonnect.lead.state.Command.CompleteMigration;
import io.qonnect.lead.state.Command.DeleteApplication;
import io.qonnect.lead.state.Command.RegisterCluster;
import io.qonnect.lead.state.Command.SetClusterHealth;
import io.qonnect.lead.state.Command.SubmitApplication;
import io.qonnect.lead.state.CommandResult.Rejection;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Resources;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the lead agents agree on: accepted specs with revisions, the member cluster registry with health
 * verdicts, committed placements with epochs, and a bounded ring of recent events.
 *
 * <p>Deterministic: the same commands in the same order give the same state on every replica; time comes
 * inside the command (stamped by the proposer), never from a clock. Business failures are
 * {@link CommandResult.Rejected} values, never exceptions (Ratis treats an exception in apply as fatal).
 * Not thread-safe: the state machine's apply thread is the only writer; readers hold its read lock.
 *
 * <p>Revisions: {@code revision} counts every change, like etcd's; an application's {@code specRevision} is the
 * revision that accepted its current spec; {@code clusterSetRevision} counts changes of the registry and its
 * verdicts. A placement is accepted only if it was computed against the current spec and cluster set
 * (compare-and-set), so a stale proposal from an old leader is rejected harmlessly.
 */
public final class ControlPlaneState {
  public static final int MAX_EVENTS = 1000;
  /**
   * How long a named request is remembered after it was proposed, by the log's own times (level 9): far longer than
   * any client goes on retrying one write (the CLI's default is 30 s).
   */
  public static final long REMEMBER_REQUESTS_MILLIS = 10 * 60_000;
  /** At most this many named requests are remembered (the oldest are forgotten first): about 1 MiB. */
  public static final int MAX_REMEMBERED_REQUESTS = 10_000;

  private final SortedMap<String, ApplicationRecord> applications = new TreeMap<>();
  private final SortedMap<ClusterId, ClusterRecord> clusters = new TreeMap<>();
  private final Deque<EventRecord> events = new ArrayDeque<>();
  /** Named requests' first results, oldest first (see {@link RememberedWrite}). */
  private final LinkedHashMap<String, RememberedWrite> rememberedWrites = new LinkedHashMap<>();
  /** Derived, never stored: each application's serving demand by the record it was computed from. */
  private final Map<String, DemandOf> demandMemo = new HashMap<>();
  /**
   * Derived, never stored: the sum of every application's serving demand per member cluster (cpu millis, memory
   * bytes), kept as records are replaced, so checking a decision against the room it assumed does not sum every
   * application again (that made applying N decisions cost N² at thousands of applications).
   */
  private final Map<ClusterId, long[]> servingTotal = new HashMap<>();
  private long revision;
  private long clusterSetRevision;
  private long lastAppliedIndex;
  private int featureLevel = FeatureLevels.BASELINE;
  /** The latest proposer time of an applied entry (tracked from level 5): the replicated "now" write deadlines are compared with. */
  private long latestProposedMillis;
  /** The proposer time of the entry that made the current revision; 0 when unknown (restored from a snapshot). Not stored. */
  private long revisionMillis;

  private record DemandOf(ApplicationRecord record, SortedMap<ClusterId, Resources> demand) {}

  /** Applies intent, or a decision from before 0.3 (no term): tests, and replay of old logs. */
  public CommandResult apply(long logIndex, long timeMillis, Command command) {
    return apply(logIndex, 0, timeMillis, 0, command);
  }

  /**
   * @param entryTerm the term of the log entry (the leader that appended it)
   * @param decidedInTerm the term of the leader that decided it (0: intent, or written before 0.3)
   */
  public CommandResult apply(long logIndex, long entryTerm, long timeMillis, long decidedInTerm, Command command) {
    return apply(logIndex, entryTerm, timeMillis, decidedInTerm, 0, command);
  }

  /** @param validUntilMillis the proposer's time after which the caller no longer waits (0: none) */
  public CommandResult apply(long logIndex, long entryTerm, long timeMillis, long decidedInTerm, long validUntilMillis, Command command) {
    return apply(logIndex, entryTerm, timeMillis, decidedInTerm, validUntilMillis, "", command);
  }

  /**
   * @param requestId names the caller's request across its retries ("": none): from level 9 a later entry with the
   *     id of one that was accepted is answered with what that did, and applies nothing
   */
  public CommandResult apply(long logIndex, long entryTerm, long timeMillis, long decidedInTerm, long validUntilMillis, String requestId,
      Command command) {
    lastAppliedIndex = logIndex;
    var refused = FeatureLevels.refusal(command, featureLevel);
    if (refused.isPresent()) return refused.get();
    boolean expired = false;
    if (featureLevel >= FeatureLevels.EXPIRING_WRITES) {
      expired = validUntilMillis > 0 && validUntilMillis < latestProposedMillis;
      latestProposedMillis = Math.max(latestProposedMillis, timeMillis);
    }
    boolean named = featureLevel >= FeatureLevels.IDEMPOTENT_WRITES && !requestId.isEmpty();
    if (named) {
      forgetOldRequests();
      RememberedWrite first = rememberedWrites.get(requestId);
      if (first != null) return first.answer(RememberedWrite.describe(command));
    }
    if (expired) {
      return CommandResult.rejected(Rejection.STALE, "its caller stopped waiting at " + validUntilMillis + " and newer writes were applied since");
    }
    if (featureLevel >= FeatureLevels.SAFE_DECISIONS && decidedInTerm > 0 && decidedInTerm < entryTerm && isDecision(command)) {
      // a deposed leader's decision, forwarded to (or retried at) the new one: computed from a view that may be stale
      return CommandResult.rejected(Rejection.STALE, "decided by the leader of term " + decidedInTerm + ", the log is in term " + entryTerm);
    }
    long before = revision;
    CommandResult result = switch (command) {
      case SubmitApplication c -> submit(timeMillis, c);
      case DeleteApplication c -> delete(timeMillis, c);
      case CommitPlacement c -> commitPlacement(timeMillis, c);
      case RegisterCluster c -> register(timeMillis, c);
      case SetClusterHealth c -> setHealth(timeMillis, c);
      case Command.SetClusterHealths c -> setHealths(timeMillis, c);
      case CompleteMigration c -> completeMigration(timeMillis, c);
      case Command.SetFeatureLevel c -> setFeatureLevel(timeMillis, c);
      case Command.ReportMigrationStalled c -> migrationStalled(timeMillis, c);
      case Command.ReadBarrier c -> CommandResult.unchanged(revision);
      case Command.Unsupported c -> CommandResult.rejected(Rejection.UNSUPPORTED, c.what()); // unreachable: gated above
    };
    if (revision != before) revisionMillis = timeMillis;
    if (named && result instanceof CommandResult.Accepted a) {
      rememberedWrites.put(requestId, new RememberedWrite(requestId, timeMillis, RememberedWrite.describe(command), a.revision(), a.changed()));
    }
    return result;
  }

  /** Forgets the named requests proposed longer ago than {@link #REMEMBER_REQUESTS_MILLIS}, and the oldest past the cap. */
  private void forgetOldRequests() {
    var oldest = rememberedWrites.values().iterator();
    while (oldest.hasNext()) {
      RememberedWrite w = oldest.next();
      if (rememberedWrites.size() < MAX_REMEMBERED_REQUESTS && w.proposedMillis() >= latestProposedMillis - REMEMBER_REQUESTS_MILLIS) return;
      oldest.remove();
    }
  }

  /** What a leader's controller decides (and a deposed leader must not make stick), as opposed to a user's intent. */
  static boolean isDecision(Command command) {
    return command instanceof CommitPlacement || command instanceof SetClusterHealth || command instanceof CompleteMigration
        || command instanceof Command.ReportMigrationStalled || command instanceof Command.SetClusterHealths;
  }

  private CommandResult migrationStalled(long time, Command.ReportMigrationStalled c) {
    ApplicationRecord app = applications.get(c.application());
    if (app == null) return CommandResult.rejected(Rejection.NOT_FOUND, "application " + c.application());
    if (app.placementEpoch() != c.placementEpoch() || !app.migrating()) {
      return CommandResult.rejected(Rejection.STALE, "no migration to epoch " + c.placementEpoch() + " in flight (epoch is " + app.placementEpoch() + ")");
    }
    long rev = ++revision;
    event(time, EventKind.MIGRATION_STALLED, app.name(), c.detail());
    return CommandResult.changed(rev);
  }

  private CommandResult setFeatureLevel(long time, Command.SetFeatureLevel c) {
    if (c.level() <= featureLevel) return CommandResult.unchanged(revision);
    if (c.level() > FeatureLevels.SUPPORTED) {
      return CommandResult.rejected(Rejection.UNSUPPORTED, "feature level " + c.level() + " is above this version's " + FeatureLevels.SUPPORTED);
    }
    featureLevel = c.level();
    long rev = ++revision;
    event(time, EventKind.FEATURE_LEVEL_RAISED, "lead-agents", "feature level " + featureLevel + ": every lead agent runs a version that knows it");
    return CommandResult.changed(rev);
  }

  private CommandResult submit(long time, SubmitApplication c) {
    if (!DnsLabel.isValid(c.application())) return CommandResult.rejected(Rejection.INVALID, DnsLabel.problem("application", c.application()));
    ApplicationRecord current = applications.get(c.application());
    long currentRevision = current == null ? 0 : current.specRevision();
    if (c.expectedRevision() > 0 && c.expectedRevision() != currentRevision) {
      return CommandResult.rejected(Rejection.STALE, "expected spec revision " + c.expectedRevision() + ", current is " + currentRevision);
    }
    // the canonical form decides: a comment, key-order or whitespace edit means the same spec
    if (current != null && current.spec().equals(c.spec())) return CommandResult.unchanged(current.specRevision());
    long rev = ++revision;
    put(current == null ? ApplicationRecord.accepted(c.application(), c.specYaml(), c.spec(), rev) : current.withSpec(c.specYaml(), c.spec(), rev));
    event(time, current == null ? EventKind.APPLICATION_CREATED : EventKind.APPLICATION_CONFIGURED, c.application(), "spec revision " + rev + by(c.actor()));
    return CommandResult.changed(rev);
  }

  /** Who asked, for the audit trail the events keep (from level 4: below, every replica writes what 0.3 wrote). */
  private String by(String actor) {
    return featureLevel >= FeatureLevels.BOUND_CLUSTERS && !actor.isEmpty() ? " by " + actor : "";
  }

  private CommandResult delete(long time, DeleteApplication c) {
    if (!applications.containsKey(c.application())) return CommandResult.rejected(Rejection.NOT_FOUND, "application " + c.application());
    count(applications.remove(c.application()), -1);
    demandMemo.remove(c.application());
    long rev = ++revision;
    event(time, EventKind.APPLICATION_DELETED, c.application(), "deleted" + by(c.actor()));
    return CommandResult.changed(rev);
  }

  private CommandResult commitPlacement(long time, CommitPlacement c) {
    ApplicationRecord app = applications.get(c.application());
    if (app == null) return CommandResult.rejected(Rejection.NOT_FOUND, "application " + c.application());
    if (app.specRevision() != c.basedOnSpecRevision() || clusterSetRevision != c.basedOnClusterSetRevision()) {
      return CommandResult.rejected(Rejection.STALE, "computed against spec revision " + c.basedOnSpecRevision() + " and cluster set revision "
          + c.basedOnClusterSetRevision() + ", current are " + app.specRevision() + " and " + clusterSetRevision);
    }
    if (c.placement() != null) {
      for (var perComponent : c.placement().components().entrySet()) {
        for (ClusterId cluster : perComponent.getValue().keySet()) {
          ClusterRecord member = clusters.get(cluster);
          if (member == null) return CommandResult.rejected(Rejection.INVALID, "placement names unregistered member cluster " + cluster);
          // a Suspect cluster keeps what it runs (no failover on a blip) but gets nothing new
          boolean kept = member.health() == ClusterHealth.SUSPECT && app.placement() != null
              && app.placement().of(perComponent.getKey()).containsKey(cluster);
          if (member.health() != ClusterHealth.HEALTHY && !kept) {
            return CommandResult.rejected(Rejection.CONFLICT, "placement names " + member.health() + " member cluster " + cluster);
          }
        }
      }
    }
    ApplicationRecord decided = app.withDecision(c.placement(), c.explanation(), c.diagnosis(), c.basedOnSpecRevision(), c.basedOnClusterSetRevision(), time,
        featureLevel >= FeatureLevels.SAFE_DECISIONS);
    if (featureLevel >= FeatureLevels.CHECKED_CAPACITY) {
      Optional<String> over = overCommitted(app, decided, c.room());
      if (over.isPresent()) return CommandResult.rejected(Rejection.CONFLICT, over.get());
    }
    long rev = ++revision;
    put(decided);
    boolean epochChanged = decided.placementEpoch() != app.placementEpoch();
    if (c.placement() == null) {
      if (!app.unschedulable() || epochChanged) {
        event(time, EventKind.UNSCHEDULABLE, app.name(), Diagnoses.headline(app.name(), c.diagnosis()) + (decided.placement() != null ? " (the current placement keeps running)" : ""));
      }
    } else if (epochChanged) {
      event(time, EventKind.PLACEMENT_COMMITTED, app.name(), "epoch " + decided.placementEpoch()
          + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")") + ": " + c.placement().oneLine());
    }
    return CommandResult.changed(rev);
  }

  /**
   * A member cluster the decision adds replicas to where the committed placements (what serves of every application,
   * this one's as decided) would then ask more than the room the decision assumed there; clusters whose demand does
   * not grow are never checked (a shrinking cluster keeps what it runs).
   */
  private Optional<String> overCommitted(ApplicationRecord before, ApplicationRecord after, SortedMap<ClusterId, Resources> room) {
    SortedMap<ClusterId, Resources> had = demand(before);
    for (var mine : after.servingDemand().entrySet()) {
      ClusterId cluster = mine.getKey();
      Resources assumed = room.get(cluster);
      if (assumed == null || mine.getValue().fitsIn(had.getOrDefault(cluster, Resources.ZERO))) continue;
      long[] all = servingTotal.getOrDefault(cluster, new long[2]);
      Resources hadHere = had.getOrDefault(cluster, Resources.ZERO);
      Resources total = new Resources(all[0] - hadHere.cpuMillis() + mine.getValue().cpuMillis(), all[1] - hadHere.memoryBytes() + mine.getValue().memoryBytes());
      if (!total.fitsIn(assumed)) {
        return Optional.of("committed placements would ask " + total + " of " + cluster.value() + ", which has room for " + assumed
            + ": decisions committed since this one was computed took the rest");
      }
    }
    return Optional.empty();
  }

  /** Replaces (or adds) an application's record, keeping {@link #servingTotal}. */
  private void put(ApplicationRecord app) {
    count(applications.put(app.name(), app), -1);
    count(app, +1);
  }

  private void count(ApplicationRecord app, int sign) {
    if (app == null) return;
    demand(app).forEach((cluster, r) -> {
      long[] total = servingTotal.computeIfAbsent(cluster, k -> new long[2]);
      total[0] += sign * r.cpuMillis();
      total[1] += sign * r.memoryBytes();
    });
  }

  /** The serving demand of every application summed per member cluster, as kept (for tests: it must equal a fresh sum). */
  Map<ClusterId, Resources> servingTotal() {
    Map<ClusterId, Resources> out = new TreeMap<>();
    servingTotal.forEach((c, t) -> {
      if (t[0] != 0 || t[1] != 0) out.put(c, new Resources(t[0], t[1]));
    });
    return out;
  }

  /** An application's serving demand, computed once per record (records are replaced, never changed). */
  private SortedMap<ClusterId, Resources> demand(ApplicationRecord app) {
    DemandOf memo = demandMemo.get(app.name());
    if (memo == null || memo.record() != app) {
      memo = new DemandOf(app, app.servingDemand());
      demandMemo.put(app.name(), memo);
    }
    return memo.demand();
  }

  private CommandResult completeMigration(long time, CompleteMigration c) {
    ApplicationRecord app = applications.get(c.application());
    if (app == null) return CommandResult.rejected(Rejection.NOT_FOUND, "application " + c.application());
    if (app.placementEpoch() != c.placementEpoch() || !app.migrating()) {
      return CommandResult.rejected(Rejection.STALE, "no migration to epoch " + c.placementEpoch() + " in flight (epoch is " + app.placementEpoch() + ")");
    }
    put(app.withMigrationCompleted());
    long rev = ++revision;
    event(time, EventKind.MIGRATION_COMPLETED, app.name(), "epoch " + app.placementEpoch() + " Ready; the copies of the previous placement are removed");
    return CommandResult.changed(rev);
  }

  private CommandResult register(long time, RegisterCluster c) {
    ClusterRecord current = clusters.get(c.cluster());
    // from level 4 a name is bound to the real cluster that first registered with one (below, uids are ignored:
    // every replica of a mixed-version group applies the same rules)
    boolean bound = featureLevel >= FeatureLevels.BOUND_CLUSTERS;
    String uid = bound && !c.clusterUid().isEmpty() ? c.clusterUid() : current == null ? "" : current.clusterUid();
    if (bound && current != null && !current.clusterUid().isEmpty() && !c.clusterUid().isEmpty() && !current.clusterUid().equals(c.clusterUid())) {
      return CommandResult.rejected(Rejection.CONFLICT, "member cluster " + c.cluster().value() + " is bound to the Kubernetes cluster whose kube-system "
          + "namespace has UID " + current.clusterUid() + "; this agent runs in " + c.clusterUid()
          + ": two clusters under one name? Give this one its own name (or remove the old registration)");
    }
    if (current != null && current.tier() == c.tier() && current.region().equals(c.region()) && current.agentAddress().equals(c.agentAddress())
        && current.clusterUid().equals(uid)) {
      return CommandResult.unchanged(revision);
    }
    ClusterHealth health = current == null ? ClusterHealth.HEALTHY : current.health();
    String reason = current == null ? "registered" : current.healthReason();
    clusters.put(c.cluster(), new ClusterRecord(c.cluster(), c.tier(), c.region(), c.agentAddress(), health, reason, uid));
    clusterSetRevision++;
    long rev = ++revision;
    event(time, current == null ? EventKind.CLUSTER_REGISTERED : EventKind.CLUSTER_UPDATED, c.cluster().value(), c.tier().yamlName() + " in " + c.region());
    return CommandResult.changed(rev);
  }

  private CommandResult setHealth(long time, SetClusterHealth c) {
    ClusterRecord current = clusters.get(c.cluster());
    if (current == null) return CommandResult.rejected(Rejection.NOT_FOUND, "member cluster " + c.cluster());
    if (c.basedOnClusterSetRevision() > 0 && c.basedOnClusterSetRevision() != clusterSetRevision) {
      return CommandResult.rejected(Rejection.STALE, "cluster set revision " + c.basedOnClusterSetRevision() + ", current is " + clusterSetRevision);
    }
    if (current.health() == c.health()) return CommandResult.unchanged(revision);
    clusters.put(c.cluster(), current.withHealth(c.health(), c.reason()));
    clusterSetRevision++;
    long rev = ++revision;
    event(time, switch (c.health()) {
      case HEALTHY -> EventKind.CLUSTER_HEALTHY;
      case SUSPECT -> EventKind.CLUSTER_SUSPECT;
      case FAILED -> EventKind.CLUSTER_FAILED;
    }, c.cluster().value(), c.reason());
    return CommandResult.changed(rev);
  }

  private CommandResult setHealths(long time, Command.SetClusterHealths c) {
    if (c.basedOnClusterSetRevision() > 0 && c.basedOnClusterSetRevision() != clusterSetRevision) {
      return CommandResult.rejected(Rejection.STALE, "cluster set revision " + c.basedOnClusterSetRevision() + ", current is " + clusterSetRevision);
    }
    for (SetClusterHealth v : c.verdicts()) {
      if (!clusters.containsKey(v.cluster())) return CommandResult.rejected(Rejection.NOT_FOUND, "member cluster " + v.cluster());
    }
    long before = revision;
    for (SetClusterHealth v : c.verdicts()) setHealth(time, new SetClusterHealth(v.cluster(), v.health(), v.reason(), 0));
    return revision == before ? CommandResult.unchanged(revision) : CommandResult.changed(revision);
  }

  private void event(long time, EventKind kind, String subject, String message) {
    if (events.size() == MAX_EVENTS) events.removeFirst();
    events.addLast(new EventRecord(revision, time, kind, subject, message));
  }

  // ---- reads (callers hold the state machine's read lock) and snapshot restore ----

  public long revision() {
    return revision;
  }

  public long clusterSetRevision() {
    return clusterSetRevision;
  }

  public long lastAppliedIndex() {
    return lastAppliedIndex;
  }

  /** The feature level committed in the log: commands above it are not proposed (see {@link FeatureLevels}). */
  public int featureLevel() {
    return featureLevel;
  }

  /**
   * When the entry that made the current revision was proposed (the proposer's wall clock), 0 when unknown (this replica
   * restored a snapshot since): agents measure how long a change took to reach them against it.
   */
  public long revisionMillis() {
    return revisionMillis;
  }

  /** The latest proposer time applied (from level 5; 0 below): what a write's caller deadline is compared with. */
  public long latestProposedMillis() {
    return latestProposedMillis;
  }

  public Optional<ApplicationRecord> application(String name) {
    return Optional.ofNullable(applications.get(name));
  }

  public List<ApplicationRecord> applications() {
    return List.copyOf(applications.values());
  }

  public List<ClusterRecord> clusters() {
    return List.copyOf(clusters.values());
  }

  public List<EventRecord> events() {
    return List.copyOf(events);
  }

  /** The named requests remembered (level 9), oldest first. */
  public List<RememberedWrite> rememberedWrites() {
    return List.copyOf(rememberedWrites.values());
  }

  /** Replaces everything with a snapshot's contents (used only when loading or installing a snapshot). */
  public void restore(long appliedIndex, long newRevision, long newClusterSetRevision, int newFeatureLevel, long newLatestProposedMillis,
      Map<ClusterId, ClusterRecord> newClusters, Map<String, ApplicationRecord> newApplications, List<EventRecord> newEvents) {
    restore(appliedIndex, newRevision, newClusterSetRevision, newFeatureLevel, newLatestProposedMillis, newClusters, newApplications, newEvents, List.of());
  }

  /** @param newRememberedWrites oldest first */
  public void restore(long appliedIndex, long newRevision, long newClusterSetRevision, int newFeatureLevel, long newLatestProposedMillis,
      Map<ClusterId, ClusterRecord> newClusters, Map<String, ApplicationRecord> newApplications, List<EventRecord> newEvents,
      List<RememberedWrite> newRememberedWrites) {
    rememberedWrites.clear();
    newRememberedWrites.forEach(w -> rememberedWrites.put(w.requestId(), w));
    lastAppliedIndex = appliedIndex;
    latestProposedMillis = newLatestProposedMillis;
    revisionMillis = 0;
    featureLevel = Math.max(FeatureLevels.BASELINE, newFeatureLevel);
    revision = newRevision;
    clusterSetRevision = newClusterSetRevision;
    clusters.clear();
    clusters.putAll(newClusters);
    applications.clear();
    demandMemo.clear();
    servingTotal.clear();
    newApplications.values().forEach(this::put);
    events.clear();
    newEvents.stream().skip(Math.max(0, newEvents.size() - MAX_EVENTS)).forEach(events::addLast);
  }
}
