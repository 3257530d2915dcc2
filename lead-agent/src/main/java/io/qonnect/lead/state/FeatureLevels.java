package io.qonnect.lead.state;

import java.util.Collection;
import java.util.OptionalInt;

/**
 * The version gate of the replicated log. Pure. Every command kind belongs to a feature level; a lead agent
 * proposes a command only when the level committed in the log is at least the command's, and the leader raises
 * the committed level only once every peer of the group says it runs a version that knows that level. So an
 * entry no peer understands is never proposed while such a peer is in the group (rolling upgrades: lead agents
 * N+1 with N keep to level N until the last peer runs N+1), and an entry a replica still does not understand
 * (a gate bypassed by hand) is applied as {@link Command.Unsupported}: it changes nothing and crashes nothing.
 *
 * <pre>
 *   level 1  (0.1)  SubmitApplication, DeleteApplication, CommitPlacement, RegisterCluster, SetClusterHealth,
 *                   CompleteMigration — what a log written before the gate holds (its committed level reads as 1)
 *   level 2  (0.2)  SetFeatureLevel, ReportMigrationStalled
 *   level 3  (0.3)  SetClusterHealths; and rules: a decision decided in an older term than its entry's is rejected; a
 *                   decision during a migration keeps every placement it replaces; a spec edit that cannot be
 *                   placed keeps the running placement. Rules change what apply does, so every replica must
 *                   follow the same ones: they take effect with the level, never with the binary.
 *   level 4  (0.4)  rules: a member cluster's name is bound to the real cluster that first registered it with a
 *                   cluster UID (another UID under that name is refused); events of application changes name
 *                   who asked (the audit trail).
 *   level 5  (0.5)  rules: a user's write carries its caller's deadline; it is rejected as stale once an entry
 *                   proposed after that deadline has been applied (a write its caller gave up on never lands
 *                   after newer ones: issue 17's linearizability check found one doing so across a partition).
 *   level 6  (0.6)  rules: a placement decision states the room it assumed on each member cluster; one that adds
 *                   replicas where the committed placements would then ask more than that is rejected (two decisions
 *                   computed from views that do not hold each other must never be promised the same cores: the
 *                   simulation's seed 118526 committed 2250m of a 1900m cluster).
 *   level 7  (0.7)  batch entries: several commands in one log entry (group commit), applied in order. A replica of
 *                   0.6 reads a batch as a command it does not know and applies nothing; so below level 7 a batch
 *                   is applied as nothing everywhere (each command rejected as UNSUPPORTED) and none is proposed.
 *   level 8  (0.8)  read barriers: a linearizable read commits a ReadBarrier entry (it changes nothing) and waits until
 *                   its lead agent applied it, instead of Ratis's ReadIndex, which lets a leader cut off from the others
 *                   answer from the state they have since replaced (it reuses a leadership confirmed at an unchanged
 *                   commit index: IsolatedLeaderIT read a value older than an acknowledged write). Below level 8 reads
 *                   keep ReadIndex.
 *   level 9  (0.9)  rules: a user's write names its request (the caller's identity and the id its client sent); a
 *                   later entry of the same request is answered with what the first did and applies nothing (a
 *                   client retrying at another lead agent after its first attempt was applied but not answered in
 *                   time applied the write twice, over a delete between: IsolatedLeaderIT's w0-44).
 * </pre>
 */
public final class FeatureLevels {
  /** The highest level this build knows. */
  public static final int SUPPORTED = 9;
  /** The level from which apply follows the rules of 0.3 (see above). */
  public static final int SAFE_DECISIONS = 3;
  /** The level from which names are bound to cluster UIDs and application events name their actor. */
  public static final int BOUND_CLUSTERS = 4;
  /** The level from which a write whose caller's deadline passed before newer entries were applied is rejected. */
  public static final int EXPIRING_WRITES = 5;
  /** The level from which a placement decision is rejected when it would over-commit the room it assumed. */
  public static final int CHECKED_CAPACITY = 6;
  /** The level from which a log entry may hold a batch of commands. */
  public static final int BATCHED_ENTRIES = 7;
  /** The level from which a read barrier is an entry of the log. */
  public static final int READ_BARRIERS = 8;
  /** The level from which a named request's retries are answered with what its first entry did. */
  public static final int IDEMPOTENT_WRITES = 9;
  /** The level of a log (or a peer) from before the gate. */
  public static final int BASELINE = 1;

  private FeatureLevels() {}

  public static int required(Command command) {
    return switch (command) {
      case Command.SetFeatureLevel c -> 2;
      case Command.ReportMigrationStalled c -> 2;
      case Command.SetClusterHealths c -> 3;
      case Command.ReadBarrier c -> READ_BARRIERS;
      case Command.Unsupported c -> Integer.MAX_VALUE;
      default -> BASELINE;
    };
  }

  /**
   * Why {@code command} may not be proposed or applied at the committed {@code level}, if it may not. The gate's
   * own command is exempt: it is raised only once every peer knows the level (see {@link #next}).
   */
  public static java.util.Optional<CommandResult.Rejected> refusal(Command command, int level) {
    if (command instanceof Command.SetFeatureLevel || required(command) <= level) return java.util.Optional.empty();
    String why = command instanceof Command.Unsupported u ? u.what()
        : command.getClass().getSimpleName() + " needs log feature level " + required(command) + "; the lead agents are at " + level;
    return java.util.Optional.of(new CommandResult.Rejected(CommandResult.Rejection.UNSUPPORTED, why));
  }

  /** Why a batch entry may not be applied at the committed {@code level}, if it may not. */
  public static java.util.Optional<CommandResult.Rejected> batchRefusal(int level) {
    if (level >= BATCHED_ENTRIES) return java.util.Optional.empty();
    return java.util.Optional.of(new CommandResult.Rejected(CommandResult.Rejection.UNSUPPORTED,
        "a batch entry needs log feature level " + BATCHED_ENTRIES + "; the lead agents are at " + level));
  }

  /**
   * The level to commit next, if any: the lowest level every peer supports (a peer that did not answer counts
   * as unknown, and then nothing is raised), when that is above the committed one.
   *
   * @param peerLevels what each peer of the group reported (a peer from before the gate reports {@link #BASELINE})
   * @param peers how many peers the group has
   */
  public static OptionalInt next(int committed, Collection<Integer> peerLevels, int peers) {
    if (peerLevels.size() < peers || peerLevels.isEmpty()) return OptionalInt.empty();
    int lowest = Math.min(SUPPORTED, peerLevels.stream().mapToInt(Integer::intValue).min().orElseThrow());
    return lowest > committed ? OptionalInt.of(lowest) : OptionalInt.empty();
  }
}
