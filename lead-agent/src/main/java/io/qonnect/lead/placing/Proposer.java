package io.qonnect.lead.placing;

import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import java.io.IOException;

/** Puts a command through the replicated log and returns what applying it did. */
@FunctionalInterface
public interface Proposer {
  CommandResult propose(Command command) throws IOException;
}
