package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.SnapshotRequest;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import io.qonnect.transport.Identity;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The latency QoS on a real network: the agents talk over the testbed's wide-area links (a relay delays each
 * direction; the agents add nothing to what they measure). A component bound to stay within {@code maxLatencyMs} of
 * its edge caller lands on a fog cluster the measured round trip allows; when the link to that cluster is slowed past
 * the budget, it moves to the other fog cluster (make-before-break), and slowing the new one by less than the budget
 * leaves it there.
 */
@WithTestbed(clusters = "cloud=1,fog=2,edge=1")
class LatencyE2E {
  private static final ObjectMapper JSON = new ObjectMapper();
  private E2eFederation federation;

  @AfterEach
  void down() {
    if (federation != null) federation.close();
  }

  @Test
  void aComponentMovesWhenTheMeasuredLatencyBreaksItsBudgetAndStaysWhenItDoesNot(TestbedClusters clusters) throws Exception {
    federation = E2eFederation.up(clusters, "latency");
    assumeTrue(federation.processes().links().isPresent(), "this machine cannot put wide-area links between the agents (cgroup v2 and nft)");
    // the agents measure the links: edge-1 ↔ fog-N is the inventory's 10 ms round trip, with nothing added by the agents
    E2eFederation.await("edge-1 measures its round trips to both fog clusters", () -> rtt("edge-1", "fog-1").isPresent() && rtt("edge-1", "fog-2").isPresent());
    assertThat(rtt("edge-1", "fog-1").getAsDouble()).as("measured over the relay: the delays are real").isGreaterThanOrEqualTo(8);

    federation.qonnect("apply", "-f", Path.of("..", "examples", "latency-bound.yaml").toString()); // application "near"
    JsonNode first = awaitReady(1);
    String from = E2eFederation.clusterOf(first, "proc");
    String to = from.equals("fog-1") ? "fog-2" : "fog-1";
    assertThat(clusters.client(from).apps().deployments().inNamespace("qonnect-near").withName("proc").get()).isNotNull();

    // 30 ms more on every round trip of proc's cluster: edge-1 ↔ it is now 40 ms, over the 25 ms budget
    federation.processes().addLatency(from, 30);
    E2eFederation.await("the agents measure the slower link", () -> rtt("edge-1", from).orElse(0) >= 37);
    JsonNode moved = awaitReady(2);
    assertThat(E2eFederation.clusterOf(moved, "proc")).isEqualTo(to);
    assertThat(E2eFederation.clusterOf(moved, "sensor")).isEqualTo("edge-1");
    E2eFederation.await("proc's old copy removed once the new one is Ready",
        () -> clusters.client(from).apps().deployments().inNamespace("qonnect-near").withName("proc").get() == null);
    assertThat(clusters.client(to).apps().deployments().inNamespace("qonnect-near").withName("proc").get().getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(federation.qonnect("describe", "app", "near")).contains("mean latency");

    // 5 ms more on the new cluster's round trips (15 ms, within the budget), the old one back to normal: nothing moves
    federation.processes().addLatency(from, 0);
    federation.processes().addLatency(to, 5);
    E2eFederation.await("the agents measure the new link", () -> rtt("edge-1", to).orElse(0) >= 13);
    Thread.sleep(15_000); // past the lead agents' 10 s hold for a breached constraint: a move would have been committed by now
    JsonNode stayed = JSON.readTree(federation.qonnect("get", "app", "near", "-o", "json"));
    assertThat(stayed.path("placementEpoch").asLong()).as("no new placement").isEqualTo(2);
    assertThat(E2eFederation.clusterOf(stayed, "proc")).isEqualTo(to);

  }

  /** The round trip the knowledge base has from {@code from}'s agent to {@code to}, as measured. */
  private OptionalDouble rtt(String from, String to) {
    ManagedChannel channel = federation.processes().clientTransport()
        .channel(federation.processes().knowledgeBaseAddress().orElseThrow(), Identity.KnowledgeBase.class);
    try {
      return LeadAgentsClient.knowledgeBase(channel).snapshot(SnapshotRequest.getDefaultInstance()).getLatencyList().stream()
          .filter(r -> r.getFromCluster().equals(from)).flatMap(r -> r.getSamplesList().stream())
          .filter(s -> s.getTo().equals(to)).mapToDouble(s -> s.getRttMs()).findFirst();
    } finally {
      channel.shutdownNow();
    }
  }

  private JsonNode awaitReady(long epoch) throws Exception {
    return federation.awaitSettled("near", "at epoch " + epoch, s -> s.path("placementEpoch").asLong() == epoch);
  }


}
