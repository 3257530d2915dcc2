package io.qonnect.lead.state;

/** What applying a command did: accepted (with the revision it produced or found), or rejected with a reason. */
public sealed interface CommandResult {
  /** @param changed false when the command asked for what was already there (no new revision) */
  record Accepted(long revision, boolean changed) implements CommandResult {}

  record Rejected(String reason) implements CommandResult {}

  static CommandResult changed(long revision) {
    return new Accepted(revision, true);
  }

  static CommandResult unchanged(long revision) {
    return new Accepted(revision, false);
  }

  static CommandResult rejected(String reason) {
    return new Rejected(reason);
  }
}
