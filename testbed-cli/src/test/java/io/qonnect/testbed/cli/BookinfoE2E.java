package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.testbed.junit.TestbedClusters;
import io.qonnect.testbed.junit.WithTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path, as a user drives it: three real member clusters, the knowledge base, three lead agents and
 * one resource agent per cluster as separate processes, and the qonnect CLI. {@code apply -f} makes Bookinfo
 * Ready where the placement put it; {@code describe} shows placement, explanation and readiness; changed
 * weights that make another placement clearly better move it (make-before-break); {@code delete} removes every object qonnect created and nothing else.
 */
@WithTestbed(clusters = "cloud=1,fog=2,edge=1") // the layout of every E2E: one testbed for all
class BookinfoE2E {
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

  private static Path bookinfo(Path dir, double energy, double cost, double performance) throws Exception {
    Path file = dir.resolve("bookinfo-" + energy + "-" + cost + "-" + performance + ".yaml");
    Files.writeString(file, Files.readString(Path.of("..", "examples", "bookinfo.yaml"))
        .replace("energy: 0.2", "energy: " + energy).replace("cost: 0.5", "cost: " + cost).replace("performance: 0.3", "performance: " + performance));
    return file;
  }

  @Test
  void bookinfoRunsWhereItIsPlacedMovesWithTheWeightsAndLeavesNothingBehind(TestbedClusters clusters) throws Exception {
    federation = E2eFederation.up(clusters, "bookinfo");
    federation.awaitEveryClusterObserved(clusters.names());
    Path dir = federation.dir();
    clusters.client("fog-1").namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bystander").endMetadata().build()).serverSideApply();
    // someone else's namespace named like the application, in every cluster: qonnect must never adopt or delete it
    for (String c : clusters.names()) {
      clusters.client(c).namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bookinfo").endMetadata().build()).create();
      clusters.client(c).configMaps().inNamespace("bookinfo").resource(new ConfigMapBuilder().withNewMetadata().withName("theirs").endMetadata()
          .addToData("owner", "not qonnect").build()).create();
    }

    // the agents measure round-trip times to each other, every cluster to every other: measured before the first
    // placement, so that it is not decided on the model and then moved when the measurements arrive
    int others = clusters.names().size() - 1;
    assertThat(federation.awaitRoundTripsMeasured(clusters.names().size()))
        .allSatisfy(r -> assertThat(r.getSamplesList()).filteredOn(s -> !s.getTo().startsWith("user:")).hasSize(others));

    // energy first (see ./qonnect plan with the testbed's inventory)
    qonnect("apply", "-f", bookinfo(dir, 1, 0, 0).toString());
    JsonNode energy = federation.awaitSettled("bookinfo", "placed", s -> true);
    assertRunsAsPlaced(clusters, energy);
    // each agent's certificate expiry, from its heartbeats (the local federation issues them for 365 days)
    assertThat(qonnect("get", "clusters", "-o", "wide")).contains("AGENT CERT").containsPattern("\\s36[45]d\\s");
    String described = qonnect("describe", "app", "bookinfo");
    assertThat(described).contains("placed by qonnect").contains("Ready").contains("productpage");

    // cost only: clearly better elsewhere (a weight edit moves only when the new optimum is clearly better);
    // the copies in clusters the new placement left are removed once it is Ready (make-before-break)
    qonnect("apply", "-f", bookinfo(dir, 0, 1, 0).toString());
    long energyEpoch = energy.path("placementEpoch").asLong();
    JsonNode cost = federation.awaitSettled("bookinfo", "a new placement on other clusters than energy's " + E2eFederation.clustersOf(energy, null),
        s -> s.path("placementEpoch").asLong() > energyEpoch && !E2eFederation.clustersOf(s, null).equals(E2eFederation.clustersOf(energy, null)));
    assertRunsAsPlaced(clusters, cost);
    for (String left : E2eFederation.clustersOf(energy, null)) {
      if (E2eFederation.clustersOf(cost, null).contains(left)) continue;
      await(left + " emptied", () -> clusters.client(left).apps().deployments().inNamespace("qonnect-bookinfo").list().getItems().isEmpty());
    }
    assertThat(qonnect("events")).contains("MigrationCompleted");

    qonnect("delete", "app", "bookinfo");
    for (String c : clusters.names()) {
      await(c + " without bookinfo", () -> clusters.client(c).namespaces().withName("qonnect-bookinfo").get() == null);
      Namespace theirs = clusters.client(c).namespaces().withName("bookinfo").get();
      assertThat(theirs).as("the namespace named like the application, in " + c).isNotNull();
      assertThat(theirs.getMetadata().getDeletionTimestamp()).isNull();
      assertThat(theirs.getMetadata().getLabels() == null ? java.util.Map.of() : theirs.getMetadata().getLabels()).doesNotContainKey("qonnect.io/application");
      assertThat(clusters.client(c).configMaps().inNamespace("bookinfo").withName("theirs").get().getData()).containsEntry("owner", "not qonnect");
      assertThat(clusters.client(c).apps().deployments().inNamespace("bookinfo").list().getItems()).isEmpty();
    }
    assertThat(clusters.client("fog-1").namespaces().withName("bystander").get()).as("not qonnect's: left alone").isNotNull();
  }

  /** Every placed component has a Deployment with that many ready replicas in that member cluster. */
  private static void assertRunsAsPlaced(TestbedClusters clusters, JsonNode status) {
    status.path("components").forEach(c -> c.path("desired").forEach(r -> {
      String component = c.path("component").asText();
      String cluster = r.path("cluster").asText();
      Deployment d = clusters.client(cluster).apps().deployments().inNamespace("qonnect-bookinfo").withName(component).get();
      assertThat(d).as(component + " in " + cluster).isNotNull();
      assertThat(d.getStatus().getReadyReplicas()).as(component + " ready in " + cluster).isEqualTo(r.path("replicas").asInt());
    }));
  }
}
