package io.qonnect.lead.placing;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import java.util.concurrent.CompletableFuture;

/**
 * Puts a command through the replicated log; completes with what applying it did, or exceptionally with an
 * IOException when it was not committed (no leader reachable).
 */
@FunctionalInterface
public interface Proposer {
  /** Proposes a leader's decision, computed while it led term {@code decidedInTerm} with its state caught up. */
  CompletableFuture<CommandResult> propose(Command command, long decidedInTerm);

  /** Proposes intent (a spec, a registration): no term, it stands whoever leads. */
  default CompletableFuture<CommandResult> propose(Command command) {
    return propose(command, 0);
  }
}
