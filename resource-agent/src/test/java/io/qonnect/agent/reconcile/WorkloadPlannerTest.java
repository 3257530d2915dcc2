package io.qonnect.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.RemoteEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadPlannerTest {
  static final QosSpec BOOKINFO = ((Parsed.Valid<QosSpec>) new QosSpecParser().parse(read("../examples/bookinfo.yaml"))).value();
  static final ManifestRenderer.Leases LEASED = (app, component) -> true;
  private final ManifestRenderer renderer = new ManifestRenderer();
  private final WorkloadPlanner planner = new WorkloadPlanner();

  static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static DesiredApplication desired(long epoch, String... componentsHere) {
    DesiredApplication.Builder b = DesiredApplication.newBuilder().setApplication("bookinfo").setPlacementEpoch(epoch);
    for (String c : componentsHere) b.addHere(ClusterReplicas.newBuilder().setCluster(c).setReplicas(2));
    return b.build();
  }

  static ObservedObject observed(HasMetadata o) {
    return new ObservedObject(o.getApiVersion(), o.getKind(), o.getKind().equals("Namespace") ? null : o.getMetadata().getNamespace(),
        o.getMetadata().getName(), o.getMetadata().getLabels(), o.getMetadata().getAnnotations().get(Labels.HASH));
  }

  static ObservedObject observed(String kind, String name, long epoch) {
    return new ObservedObject("apps/v1", kind, "bookinfo", name,
        Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.APPLICATION, "bookinfo", Labels.EPOCH, Long.toString(epoch)), "old");
  }

  @Test
  void theImageShorthandRendersANamespaceADeploymentAndAServicePerComponentWithOwnershipLabels() {
    List<HasMetadata> objects = renderer.render(desired(3, "details"), BOOKINFO, LEASED);
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Namespace", "Deployment", "Service");
    assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, Labels.MANAGER).containsEntry(Labels.APPLICATION, "bookinfo").containsEntry(Labels.EPOCH, "3"));
    io.fabric8.kubernetes.api.model.apps.Deployment d = (io.fabric8.kubernetes.api.model.apps.Deployment) objects.get(1);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
  }

  @Test
  void aSingletonRunsOnlyWhileItsLeaseIsHeldAndPodTemplatesDoNotChangeWithTheEpoch() {
    QosSpec withSingleton = ((Parsed.Valid<QosSpec>) new QosSpecParser().parse(read("../examples/bookinfo.yaml")
        .replace("- name: details\n      replicas: 2\n", "- name: details\n      singleton: true\n      replicas: 1\n"))).value();
    DesiredApplication one = DesiredApplication.newBuilder().setApplication("bookinfo").setPlacementEpoch(4)
        .addHere(ClusterReplicas.newBuilder().setCluster("details").setReplicas(1)).build();
    var held = (io.fabric8.kubernetes.api.model.apps.Deployment) renderer.render(one, withSingleton, LEASED).get(1);
    var fenced = (io.fabric8.kubernetes.api.model.apps.Deployment) renderer.render(one, withSingleton, (a, c) -> false).get(1);
    assertThat(held.getSpec().getReplicas()).isEqualTo(1);
    assertThat(fenced.getSpec().getReplicas()).as("no lease: scaled to zero").isZero();
    assertThat(held.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey(Labels.EPOCH);
  }

  @Test
  void aPeerInAnotherClusterBecomesAnExternalNameService() {
    DesiredApplication app = desired(1, "productpage").toBuilder()
        .addRemotes(RemoteEndpoint.newBuilder().setComponent("details").setCluster("cloud-1").setAddress("details.bookinfo.cloud-1.qonnect.internal"))
        .build();
    HasMetadata remote = renderer.render(app, BOOKINFO, LEASED).getLast();
    assertThat(remote.getMetadata().getName()).isEqualTo("details");
    assertThat(((io.fabric8.kubernetes.api.model.Service) remote).getSpec().getExternalName()).isEqualTo("details.bookinfo.cloud-1.qonnect.internal");
  }

  @Test
  void renderingIsDeterministicAndWhatIsAlreadyThereIsNotAppliedAgain() {
    List<HasMetadata> first = renderer.render(desired(1, "details", "ratings"), BOOKINFO, LEASED);
    List<HasMetadata> again = renderer.render(desired(1, "details", "ratings"), BOOKINFO, LEASED);
    Plan plan = planner.plan(again, first.stream().map(WorkloadPlannerTest::observed).toList(), Map.of("bookinfo", 1L), true);
    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  void nothingIsDeletedBeforeTheLeaderHasSaidWhatIsDesired() {
    Plan plan = planner.plan(List.of(), List.of(observed("Deployment", "details", 1)), Map.of(), false);
    assertThat(plan.delete()).isEmpty();
  }

  @Test
  void objectsOfAnOlderEpochThatAreNoLongerRenderedAreDeletedNamespacesLast() {
    List<HasMetadata> want = renderer.render(desired(2, "details"), BOOKINFO, LEASED);
    List<ObservedObject> have = List.of(observed("Deployment", "ratings", 1), observed("Deployment", "reviews-v1", 3));
    Plan plan = planner.plan(want, have, Map.of("bookinfo", 2L), true);
    assertThat(plan.delete()).extracting(ObservedObject::name).as("epoch 3 is newer than what we know: never touched").containsExactly("ratings");

    List<ObservedObject> gone = List.of(new ObservedObject("v1", "Namespace", null, "shop", Map.of(Labels.APPLICATION, "shop"), "h"),
        observed("Deployment", "web", 1).withApplication("shop"));
    assertThat(planner.plan(List.of(), gone, Map.of(), true).delete()).extracting(ObservedObject::kind).containsExactly("Deployment", "Namespace");
  }

  @Test
  void copiesKeptForAMigrationGoOnceItCompletesUnderTheSameEpoch() {
    // epoch 5 moved details away from here; until it ran Ready elsewhere, this cluster kept its copy, rendered
    // (and so labelled) under epoch 5. The migration completed: epoch 5 now renders only reviews-v1 here.
    List<HasMetadata> want = renderer.render(desired(5, "reviews-v1"), BOOKINFO, LEASED);
    List<ObservedObject> have = List.of(observed("Deployment", "details", 5), observed("Service", "details", 5));
    assertThat(planner.plan(want, have, Map.of("bookinfo", 5L), true).delete()).extracting(ObservedObject::name).containsExactly("details", "details");
  }
}
