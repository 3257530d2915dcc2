package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A federation's ports are chosen before its processes start (the lead agents must know each other's), so a port not
 * listened on yet must not be handed out twice. Once it was: CI's HostileClientsIT found a plain HTTP metrics endpoint on
 * a lead agent's API port, and that lead agent never started.
 */
class FreePortsTest {
  /** Candidates from a small range, each offered twice in a row: a chooser that only checks for listeners repeats them. */
  private static IntSupplier everyPortTwice() {
    int[] next = {0};
    return () -> FreePorts.FIRST + 100 + next[0]++ / 2;
  }

  @Test
  void noTwoMembersOrMetricsEndpointsOfAFederationShareAPort(@TempDir Path dir) throws Exception {
    LocalFederation federation = new LocalFederation(dir, "", List.of(), new FreePorts("127.0.0.1", everyPortTwice()));
    federation.writeLayout(federation.plan(3));
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "");
    federation.writeLayout(federation.withAgents(kubeconfig, List.of("cloud-1", "fog-1", "edge-1")));

    List<Integer> ports = new ArrayList<>();
    for (LocalFederation.Member m : federation.members()) {
      ports.addAll(List.of(m.apiPort(), m.raftPort(), m.gatewayPort()));
      String metrics = federation.newMetricsAddress(m);
      ports.add(Integer.parseInt(metrics.substring(metrics.lastIndexOf(':') + 1)));
    }
    // a member started again gets a new metrics endpoint, and none of the others' ports
    String again = federation.newMetricsAddress(federation.members().getFirst());
    ports.set(3, Integer.parseInt(again.substring(again.lastIndexOf(':') + 1)));

    List<Integer> used = ports.stream().filter(p -> p != 0).toList();
    // the knowledge base's API, three ports per lead agent, each agent's probe port; a metrics endpoint for each of the 7
    assertThat(used).hasSize(1 + 3 * 3 + 3 + 7).doesNotHaveDuplicates();
  }

  @Test
  void leadAgentsOfAnOldLayoutGetAGatewayPortEach(@TempDir Path dir) throws Exception {
    // role, name, api port, raft port: no gateway port, no kubeconfig
    Files.writeString(dir.resolve("members.tsv"), """
        knowledge-base\tknowledge-base\t20001\t0
        lead-agent\tlead-1\t20002\t20003
        lead-agent\tlead-2\t20004\t20005
        lead-agent\tlead-3\t20006\t20007
        """);
    LocalFederation federation = new LocalFederation(dir, "", List.of(), new FreePorts("127.0.0.1", everyPortTwice()));
    List<LocalFederation.Member> layout = federation.withGatewayPorts(federation.members());
    assertThat(layout.stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT)).map(LocalFederation.Member::gatewayPort).toList())
        .doesNotContain(0).doesNotHaveDuplicates();
  }
}
