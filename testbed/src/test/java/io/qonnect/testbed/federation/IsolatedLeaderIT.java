package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.client.LeadAgentsClient;
import io.qonnect.lead.state.FeatureLevels;
import io.qonnect.proto.v1.LeaderRequest;
import io.qonnect.testbed.linearizability.HistoryFile;
import io.qonnect.testbed.linearizability.HistoryRecorder;
import io.qonnect.testbed.linearizability.LinearizabilityChecker;
import io.qonnect.testbed.linearizability.Operation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leader cut off from the other lead agents (its Raft packets dropped both ways; clients still reach it) while
 * clients apply, describe and delete: the majority elects another leader, and the clients' history stays
 * linearizable — no write acknowledged through the majority is overwritten by one the isolated leader held, and the
 * isolated leader answers no read with what it held before the majority moved on. On the testbed's wide-area links
 * (the control plane in a data centre, Raft through the relay), as the drills run it: the cut must drop the
 * connections the relay carries too.
 */
class IsolatedLeaderIT {
  @Test
  void aLeaderCutOffFromTheOthersLosesNoAcknowledgedWrite() throws Exception {
    LocalFederation federation = FreshFederation.create("isolated-leader");
    FreshFederation.assumePacketFaults(federation);
    Path dir = federation.workDir();
    try {
      federation.up(3, List.of(), Path.of("../examples/inventory-9.yaml"), line -> {});
      assertThat(federation.links()).as("Raft over the wide-area links").isPresent();
      // from level 9 a client's write retried after its first attempt was applied is answered, not applied again
      String leader = federation.awaitFeatureLevel(FeatureLevels.IDEMPOTENT_WRITES, 30_000).getLeaderId();
      try (LeadAgentsClient client = federation.client(20_000);
          LeadAgentsClient isolated = new LeadAgentsClient(List.of(federation.member(leader).address()), 2_000, federation.clientTransport())) {
        HistoryRecorder recorder = new HistoryRecorder(client, 3, 4, 7, System::nanoTime);
        // one more client reads through the leader alone: until it notices it was cut off, it still answers, and what it
        // answers must be as new as what the majority's new leader acknowledged meanwhile
        recorder.addReader(isolated);
        Thread.sleep(3_000);
        federation.isolateLeadAgent(leader, true);
        long cutAt = System.nanoTime();
        assertThat(leaderOfTheOthers(federation, leader, 12_000)).as("the majority elects another leader").isNotEmpty();
        Thread.sleep(Math.max(0, 12_000 - (System.nanoTime() - cutAt) / 1_000_000));
        federation.isolateLeadAgent(leader, false);
        Thread.sleep(8_000);
        List<Operation> history = recorder.stop();
        HistoryFile.write(dir.resolve("history.tsv"), history);
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        System.out.printf("linearizability with the leader isolated for 12 s: %d operations on %d applications checked, %d anomalies%n",
            result.operations(), result.keys(), result.anomalies().size());
        assertThat(result.operations()).isGreaterThan(100);
        assertThat(result.anomalies()).as("no acknowledged write lost to one the isolated leader held").isEmpty();
        assertThat(client.call(s -> s.leader(LeaderRequest.getDefaultInstance())).getLeaderId()).as("a leader after the cut heals").isNotEmpty();
      }
    } finally {
      federation.down(false, line -> {});
    }
  }

  /** The leader the lead agents other than {@code cutOff} name, once they name one other than it; "" if none within the time. */
  private static String leaderOfTheOthers(LocalFederation federation, String cutOff, long timeoutMs) throws InterruptedException {
    List<String> others = federation.members().stream().filter(m -> m.role().equals(LocalFederation.LEAD_AGENT) && !m.name().equals(cutOff))
        .map(LocalFederation.Member::address).toList();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    try (LeadAgentsClient majority = new LeadAgentsClient(others, 2_000, federation.clientTransport())) {
      while (System.nanoTime() < deadline) {
        try {
          String named = majority.call(s -> s.leader(LeaderRequest.getDefaultInstance())).getLeaderId();
          if (!named.isEmpty() && !named.equals(cutOff)) return named;
        } catch (RuntimeException e) {
          // electing
        }
        Thread.sleep(200);
      }
    }
    return "";
  }
}
