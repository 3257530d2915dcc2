package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two lead agents elect a leader without the third, so a federation whose lead agent could not start looked up and
 * running; the test that needed that lead agent failed a minute later with a message that did not say why (CI's
 * HostileClientsIT: a metrics endpoint had taken a lead agent's API port). Starting says so at once.
 */
class FederationStartIT {
  @Test
  void aLeadAgentThatCannotListenOnItsPortFailsTheStartNamingItAndWhy() throws Exception {
    Path dir = Path.of("target", "federation-it", "start").toAbsolutePath();
    new LocalFederation(dir, "", List.of()).down(true, line -> {});
    LocalFederation federation = new LocalFederation(dir, System.getProperty("java.class.path"), LocalFederation.TEST_JVM_OPTIONS);
    List<LocalFederation.Member> layout = federation.plan(3);
    federation.writeLayout(layout);
    LocalFederation.Member lead1 = layout.stream().filter(m -> m.name().equals("lead-1")).findFirst().orElseThrow();
    try (ServerSocket squatter = new ServerSocket(lead1.apiPort(), 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> federation.up(3, List.of(), line -> {}))
          .hasMessageStartingWith("lead-1 exited while the federation started")
          .hasMessageContaining("lead-1 NOT RUNNING, its log ends: lead-agent: cannot start: Failed to bind to address /127.0.0.1:" + lead1.apiPort())
          .hasMessageContaining("lead-2 running");
    } finally {
      federation.down(false, line -> {});
    }
  }
}
