package io.qonnect.lead.state;

/**
 * What the first log entry of a named request did (from log feature level 9), kept so that a retry of the request is
 * answered with the same instead of applying the write again.
 *
 * @param requestId the caller's identity and the id its request carried
 * @param proposedMillis when that entry was proposed (the proposer's clock, from the log): how long it is kept
 * @param write what it asked for ({@code submit shop}, {@code delete shop}): an id reused for another write is refused
 * @param revision the revision its result named
 * @param changed whether it changed anything
 */
public record RememberedWrite(String requestId, long proposedMillis, String write, long revision, boolean changed) {
  /** The answer to a later entry of the same request: what the first did, or a refusal if it asks for another write. */
  CommandResult answer(String asked) {
    if (!write.equals(asked)) {
      return CommandResult.rejected(CommandResult.Rejection.INVALID, "request id " + requestId + " was used for another write (" + write + ")");
    }
    return new CommandResult.Accepted(revision, changed);
  }

  /** What {@code command} asks for, as {@link #write} names it. */
  static String describe(Command command) {
    return switch (command) {
      case Command.SubmitApplication c -> "submit " + c.application();
      case Command.DeleteApplication c -> "delete " + c.application();
      default -> command.getClass().getSimpleName();
    };
  }
}
