package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.testbed.linearizability.HistoryRecorder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control plane on a testbed's wide-area links: the lead agents and the knowledge base run in the data centre of
 * the inventory's first cloud cluster, and their own connections — Raft among them — cross the relay like the agents'.
 * So a delay added to the lead agents' links slows every commit by a round trip between two of them, on connections
 * opened before the delay was. Only a lower bound is asserted: what the links add, never how fast the rest is.
 */
class ControlPlaneLinksIT {
  private static final Path INVENTORY = Path.of("../examples/inventory-9.yaml");

  @Test
  void aCommitWaitsForTheLinkBetweenTwoLeadAgents() throws Exception {
    LocalFederation federation = FreshFederation.create("control-plane-links");
    FreshFederation.assumePacketFaults(federation);
    try {
      federation.up(3, List.of(), INVENTORY, line -> {});
      WanLinks links = federation.links().orElseThrow();
      assertThat(links.link("lead-1", "lead-2").orElseThrow().delayMs()).as("one way inside the data centre").isEqualTo(WanLinks.DATA_CENTRE_RTT_MS / 2);
      assertThat(links.link("edge-1", "knowledge-base")).as("an agent's reports cross its uplink").isPresent();
      try (LeadAgentsClient client = federation.client(20_000)) {
        long before = fastestOfThreeWrites(client, "before");
        for (String lead : List.of("lead-1", "lead-2", "lead-3")) federation.addLatency(lead, 150); // each link between two: +300 ms
        Thread.sleep(1_000); // the relay re-reads its links every 0.1 s
        long after = fastestOfThreeWrites(client, "after");
        System.out.printf("a write, fastest of 3: %d ms on the data centre's links, %d ms with 300 ms added between the lead agents%n", before, after);
        assertThat(after).as("a commit waits for a follower's answer across a link now 301 ms round trip").isGreaterThanOrEqualTo(300);
      }
    } finally {
      federation.down(false, line -> {});
    }
  }

  private static long fastestOfThreeWrites(LeadAgentsClient client, String token) {
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      String spec = HistoryRecorder.spec("links", token + i);
      long start = System.nanoTime();
      client.call(s -> s.apply(ApplyRequest.newBuilder().setSpecYaml(spec).setSourceName("links").build()));
      fastest = Math.min(fastest, (System.nanoTime() - start) / 1_000_000);
    }
    return fastest;
  }
}
