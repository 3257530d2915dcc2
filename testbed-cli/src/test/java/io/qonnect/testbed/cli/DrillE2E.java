package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.testbed.drill.Drill;
import io.qonnect.testbed.drill.DrillReport;
import io.qonnect.testbed.drill.DrillRunner;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A drill in the default run, with the checks every drill makes: a member cluster that runs Bookinfo (not ledger's
 * singleton writer) is cut off from everyone by dropping its packets (its API server and its pods keep running, as a
 * real partition leaves them). The federation must detect it, fail over what ran there, keep the writer in one
 * member cluster, lose no application, and have everything Ready again — the same runner as
 * {@code ./qonnect drill isolate-cluster CLUSTER}, whose report this test reads. (Cutting off the writer's own
 * cluster ends "not recovered" by design: the writer moves only once that cluster's agent is heard again and shows
 * it stopped — docs/evaluation.md, "Singletons: fenced before they move".)
 */
@WithTestbed(clusters = "cloud=1,fog=2,edge=1") // the layout of every E2E: one testbed for all
class DrillE2E {
  private E2eFederation federation;

  @AfterEach
  void down() {
    if (federation != null) federation.close();
  }

  @Test
  void aMemberClusterCutOffFromEveryoneIsFailedOverWithoutBreakingAPromise(TestbedClusters clusters) throws Exception {
    federation = E2eFederation.up(clusters, "drill");
    assumeTrue(federation.processes().links().isPresent(), "this machine cannot drop a process's packets (cgroup v2 and nft)");
    federation.awaitEveryClusterObserved(clusters.names());
    federation.awaitRoundTripsMeasured(clusters.names().size()); // bookinfo's latency bound: placed on measurements
    for (String app : new String[] {"bookinfo", "ledger"}) {
      federation.qonnect("apply", "-f", Path.of("..", "examples", app + ".yaml").toString());
    }
    JsonNode bookinfo = federation.awaitSettled("bookinfo", "placed", s -> true);
    JsonNode ledger = federation.awaitSettled("ledger", "placed", s -> true);
    String writer = E2eFederation.clustersOf(ledger, "writer").getFirst();
    String cutOff = E2eFederation.clustersOf(bookinfo, null).stream().filter(c -> !c.equals(writer)).findFirst().orElseThrow(); // minClusters: 2

    DrillReport report;
    try (LeadAgentsClient client = federation.processes().client(20_000);
        DrillRunner runner = new DrillRunner(clusters.testbed(), federation.processes(), client, 90_000, 5_000, System.out::println)) {
      runner.acknowledgeExisting();
      report = runner.run(new Drill.IsolateCluster(cutOff));
    }
    assertThat(report.violations()).as("the drill's checks: no lost application, one writer, make-before-break").isEmpty();
    assertThat(report.timeline()).extracting(DrillReport.Step::event).anyMatch(e -> e.startsWith("PlacementCommitted bookinfo"));
    assertThat(report.outcome()).isEqualTo("recovered");
    assertThat(report.intervalsSeconds()).containsKeys("detected", "committed", "recovered");

    // the testbed is shared with the other E2Es: leave it as found
    federation.qonnect("delete", "app", "bookinfo");
    federation.qonnect("delete", "app", "ledger");
    for (String c : clusters.names()) {
      for (String ns : new String[] {"qonnect-bookinfo", "qonnect-ledger"}) {
        E2eFederation.await(c + " without " + ns, () -> clusters.client(c).namespaces().withName(ns).get() == null);
      }
    }
  }
}
