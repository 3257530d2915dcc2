package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.qonnect.testbed.federation.LocalFederation;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reference system's own Bookinfo, as its user would bring it: {@code application.yaml} plus one manifest
 * bundle per tier, applied with {@code --bundle}. Every bundle is one component of several workloads (the fog
 * bundle: four Deployments), so this is where a component's readiness must be all of its workloads. Killing the
 * fog cluster's agent fails the bundle over to the other fog cluster; once the agent is back, its old copy goes,
 * and exactly the application's 6 pods remain. A weight change that moves the application leaves exactly its pods
 * behind; one that moves nothing restarts nothing.
 */
@WithTestbed(clusters = "cloud=1,fog=2,edge=1")
class ReferenceBookinfoE2E {
  private static final String APP = "bookinfo-reference";
  private static final String NAMESPACE = "qonnect-" + APP;
  private static final int PODS = 6;
  private E2eFederation federation;

  @AfterEach
  void down() {
    if (federation != null) federation.close();
  }

  private String qonnect(String... args) {
    return federation.qonnect(args);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    E2eFederation.await(what, condition);
  }

  private String apply(Path descriptor) {
    Path reference = Path.of("..", "examples", "reference").toAbsolutePath();
    return qonnect("apply", "-f", descriptor.toString(), "--bundle", "cloud=" + reference.resolve("productpage.yaml"),
        "--bundle", "fog=" + reference.resolve("reviews-details.yaml"), "--bundle", "edge=" + reference.resolve("ratings.yaml"));
  }

  @Test
  void theReferenceBundlesRunFailOverAndLeaveExactlyTheirPods(TestbedClusters clusters) throws Exception {
    federation = E2eFederation.up(clusters, "reference");
    Path dir = federation.dir();

    Path descriptor = Path.of("..", "examples", "reference", "application.yaml").toAbsolutePath();
    assertThat(apply(descriptor)).contains("application/" + APP + " created");
    JsonNode placed = awaitReady(-1);
    String fog = E2eFederation.clusterOf(placed, "fog");
    String otherFog = fog.equals("fog-1") ? "fog-2" : "fog-1";
    await(PODS + " pods", () -> pods(clusters).size() == PODS);
    assertThat(qonnect("describe", "app", APP)).as("the bundle's workloads are listed").contains("Deployment/reviews-v2").contains("Deployment/details");

    // the fog cluster's agent dies: the fog bundle fails over to the other fog cluster and runs Ready there
    federation.processes().kill(LocalFederation.agentName(fog));
    JsonNode failedOver = awaitReady(placed.path("placementEpoch").asLong() + 1);
    assertThat(E2eFederation.clusterOf(failedOver, "fog")).isEqualTo(otherFog);
    await("the migration completes", () -> qonnect("events").contains("MigrationCompleted"));

    // the agent comes back: it removes its old copy, and exactly the application's pods remain
    federation.processes().start(federation.processes().member(LocalFederation.agentName(fog)), List.of());
    await("the old fog copy removed from " + fog, () -> clusters.client(fog).apps().deployments().inNamespace(NAMESPACE).list().getItems().isEmpty());
    await("exactly " + PODS + " pods", () -> pods(clusters).size() == PODS);
    Thread.sleep(3000);
    assertThat(pods(clusters)).as("nothing comes back").hasSize(PODS);

    // the reference system's PATCH-style weight change, as an apply of the changed descriptor (energy → performance)
    Set<String> before = podUids(clusters);
    long epoch = failedOver.path("placementEpoch").asLong();
    Path performance = dir.resolve("application-performance.yaml");
    Files.writeString(performance, Files.readString(descriptor)
        .replace("energy: 0.2", "energy: 0").replace("pricing: 0.5", "pricing: 0").replace("performance: 0.3", "performance: 1"));
    assertThat(apply(performance)).contains("configured");
    Thread.sleep(4000); // the leader re-places a new spec revision within a second; a move shows as a new epoch
    JsonNode after = awaitReady(-1);
    if (after.path("placementEpoch").asLong() == epoch) {
      assertThat(podUids(clusters)).as("the placement did not change: no pod restarted").isEqualTo(before);
    } else {
      await("the moved application's old copies removed", () -> qonnect("events").split("MigrationCompleted", -1).length == 3);
    }
    await("exactly " + PODS + " pods", () -> pods(clusters).size() == PODS);

    // a weight change that leaves the placement as it is (every weight doubled: the same relative weights, a new
    // spec revision): placed again, the same placement, the same epoch, and no pod restarts
    Set<String> settled = podUids(clusters);
    long settledEpoch = awaitReady(-1).path("placementEpoch").asLong();
    Path doubled = dir.resolve("application-doubled.yaml");
    Files.writeString(doubled, Files.readString(performance).replace("performance: 1", "performance: 2"));
    assertThat(apply(doubled)).contains("configured");
    Thread.sleep(4000);
    assertThat(awaitReady(-1).path("placementEpoch").asLong()).as("the same placement: no new epoch").isEqualTo(settledEpoch);
    assertThat(podUids(clusters)).as("no pod restarted").isEqualTo(settled);
    assertThat(apply(doubled)).as("the same document again").contains("unchanged");
  }

  private List<Pod> pods(TestbedClusters clusters) {
    List<Pod> out = new ArrayList<>();
    for (String c : clusters.names()) {
      clusters.client(c).pods().inNamespace(NAMESPACE).list().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(out::add);
    }
    return out;
  }

  private Set<String> podUids(TestbedClusters clusters) {
    Set<String> out = new TreeSet<>();
    pods(clusters).forEach(p -> out.add(p.getMetadata().getUid()));
    return out;
  }



  /** Ready at that epoch (-1: any). */
  private JsonNode awaitReady(long epoch) throws Exception {
    return federation.awaitSettled(APP, epoch < 0 ? "any epoch" : "at epoch " + epoch, s -> epoch < 0 || s.path("placementEpoch").asLong() == epoch);
  }
}
