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
  CompletableFuture<CommandResult> propose(Command command);
}
