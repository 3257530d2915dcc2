package io.qonnect.cli;

import io.qonnect.proto.v1.ConsoleLoginRequest;
import io.qonnect.proto.v1.ConsoleLoginResponse;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code qonnect console}: a link to the leader's web console for you (any role: the console is read-only). The
 * link's fragment carries a token the leader issued to your identity; the page keeps it for its tab.
 */
@Command(name = "console", description = "Print a link to the leader's read-only web console, with a token for you (valid 8 hours).")
final class ConsoleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin LeadAgentsOptions leadAgents;

  @Override
  public Integer call() {
    // the leader's: heartbeats (and their ages) are known only there
    ConsoleLoginResponse login = leadAgents.call(c -> c.callLeader(s -> s.consoleLogin(ConsoleLoginRequest.getDefaultInstance())), "console");
    spec.commandLine().getOut().printf("%s%n(the console of %s, the leader; the link is valid until %s)%n", login.getUrl(), login.getLeadAgent(),
        Instant.ofEpochMilli(login.getExpiresUnixMillis()));
    return QonnectMain.OK;
  }
}
