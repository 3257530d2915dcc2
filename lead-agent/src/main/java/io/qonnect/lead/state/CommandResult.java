package io.qonnect.lead.state;

/** What applying a command did: accepted (with the revision it produced or found), or rejected, typed. */
public sealed interface CommandResult {
  /** @param changed false when the command asked for what was already there (no new revision) */
  record Accepted(long revision, boolean changed) implements CommandResult {}

  /** @param reason for people; {@code kind} is what code decides on */
  record Rejected(Rejection kind, String reason) implements CommandResult {}

  /** Why the replicated state refused a command. Code maps these, never the reason's text. */
  enum Rejection {
    /** The named application or member cluster does not exist. */
    NOT_FOUND,
    /** Computed against, or expecting, a revision that is no longer current (compare-and-set lost). */
    STALE,
    /** Malformed: a bad name, a placement naming an unregistered member cluster. */
    INVALID,
    /** Valid but not allowed by the current state (a placement naming a member cluster that is not Healthy). */
    CONFLICT,
    /** A command this version does not know, or whose feature level the lead agents have not all reached. */
    UNSUPPORTED
  }

  static CommandResult changed(long revision) {
    return new Accepted(revision, true);
  }

  static CommandResult unchanged(long revision) {
    return new Accepted(revision, false);
  }

  static CommandResult rejected(Rejection kind, String reason) {
    return new Rejected(kind, reason);
  }
}
