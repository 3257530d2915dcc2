package io.qonnect.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.PodSecurity;
import io.qonnect.proto.v1.DesiredComponent;
import io.qonnect.proto.v1.ImageWorkload;
import io.qonnect.proto.v1.ManifestWorkload;
import io.qonnect.proto.v1.RemoteEndpoint;
import io.qonnect.proto.v1.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadPlannerTest {
  static final ManifestRenderer.Leases LEASED = (app, component) -> true;
  static final long INCARNATION = 7;
  private final ManifestRenderer renderer = new ManifestRenderer(Namespaces.defaults());
  private final WorkloadPlanner planner = new WorkloadPlanner(Namespaces.defaults());

  static DesiredComponent image(String name, int replicas) {
    return DesiredComponent.newBuilder().setName(name).setReplicas(replicas)
        .setImage(ImageWorkload.newBuilder().setImage("docker.io/istio/examples-bookinfo-" + name + ":1.20.2").addPorts(9080)
            .setRequests(Resources.newBuilder().setCpuMillis(100).setMemoryBytes(128L << 20)))
        .build();
  }

  static DesiredApplication desired(long epoch, String... componentsHere) {
    DesiredApplication.Builder b = DesiredApplication.newBuilder().setApplication("bookinfo").setPlacementEpoch(epoch).setIncarnation(INCARNATION);
    for (String c : componentsHere) b.addComponents(image(c, 2));
    return b.build();
  }

  List<HasMetadata> render(DesiredApplication app) {
    ManifestRenderer.Rendering r = renderer.render(app, LEASED);
    assertThat(r.problem()).isEmpty();
    return r.objects();
  }

  static Map<String, WorkloadPlanner.Owner> owners(long epoch) {
    return Map.of("bookinfo", new WorkloadPlanner.Owner(epoch, INCARNATION, false));
  }

  static ObservedObject observed(HasMetadata o) {
    return new ObservedObject(o.getApiVersion(), o.getKind(), o.getKind().equals("Namespace") ? null : o.getMetadata().getNamespace(),
        o.getMetadata().getName(), o.getMetadata().getLabels(), o.getMetadata().getAnnotations().get(Labels.HASH),
        ObservedObject.owner(o.getMetadata().getAnnotations()));
  }

  static ObservedObject observed(String kind, String name, long epoch) {
    return observed(kind, name, epoch, INCARNATION);
  }

  static ObservedObject observed(String kind, String name, long epoch, long owner) {
    return new ObservedObject("apps/v1", kind, "qonnect-bookinfo", name,
        Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.APPLICATION, "bookinfo", Labels.EPOCH, Long.toString(epoch)), "old", owner);
  }

  @Test
  void theNamespaceEnforcesTheLevelTheApplicationAsksForUpToTheClustersMaximum() {
    DesiredApplication restricted = desired(1, "details").toBuilder().setPodSecurity(PodSecurity.POD_SECURITY_RESTRICTED).build();
    List<HasMetadata> objects = render(restricted);
    assertThat(objects.getFirst().getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    Deployment d = (Deployment) objects.get(1);
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).as("what restricted requires of its pods").isTrue();
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst().getSecurityContext();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");

    DesiredApplication baseline = restricted.toBuilder().setPodSecurity(PodSecurity.POD_SECURITY_BASELINE).build();
    Deployment asWritten = (Deployment) render(baseline).get(1);
    assertThat(asWritten.getSpec().getTemplate().getSpec().getSecurityContext()).as("below restricted: the image runs as it was built").isNull();

    DesiredApplication privileged = restricted.toBuilder().setPodSecurity(PodSecurity.POD_SECURITY_PRIVILEGED).build();
    ManifestRenderer.Rendering refused = renderer.render(privileged, LEASED);
    assertThat(refused.objects()).isEmpty();
    assertThat(refused.problem()).contains("Pod Security level privileged").contains("allows at most baseline");
    assertThat(new ManifestRenderer(new Namespaces("qonnect-", java.util.Set.of(), PodSecurity.POD_SECURITY_PRIVILEGED)).render(privileged, LEASED).problem())
        .as("where the operator allows it").isEmpty();
  }

  @Test
  void theImageShorthandRendersANamespaceADeploymentAndAServicePerComponentWithOwnershipMarks() {
    List<HasMetadata> objects = render(desired(3, "details"));
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("Namespace", "Deployment", "Service");
    assertThat(objects.getFirst().getMetadata().getName()).as("behind the prefix, never the bare application name").isEqualTo("qonnect-bookinfo");
    assertThat(objects.getFirst().getMetadata().getLabels()).as("an application of before levels: the agent's maximum, baseline, enforced; restricted warned and audited")
        .containsEntry("pod-security.kubernetes.io/enforce", "baseline").containsEntry("pod-security.kubernetes.io/warn", "restricted")
        .containsEntry("pod-security.kubernetes.io/audit", "restricted");
    assertThat(objects).allSatisfy(o -> {
      assertThat(o.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.MANAGER).containsEntry(Labels.APPLICATION, "bookinfo")
          .containsEntry(Labels.EPOCH, "3");
      assertThat(o.getMetadata().getAnnotations()).containsEntry(Labels.OWNER, "7");
    });
    Deployment d = (Deployment) objects.get(1);
    assertThat(d.getMetadata().getNamespace()).isEqualTo("qonnect-bookinfo");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
  }

  @Test
  void manifestsGoIntoTheApplicationsNamespaceWithTheClustersReplicaCountOnEveryWorkload() {
    String reviews = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"reviews-v1\"},\"spec\":{\"replicas\":5}}";
    String details = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"details-v1\"},"
        + "\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"details\"}}}}}";
    DesiredApplication app = DesiredApplication.newBuilder().setApplication("bookinfo").setPlacementEpoch(1).setIncarnation(INCARNATION)
        .addComponents(DesiredComponent.newBuilder().setName("fog").setReplicas(2)
            .setManifests(ManifestWorkload.newBuilder().addObjectsJson(reviews).addObjectsJson(details)))
        .build();
    List<HasMetadata> objects = render(app);
    assertThat(objects).extracting(o -> o.getMetadata().getName()).containsExactly("qonnect-bookinfo", "reviews-v1", "details-v1");
    assertThat(objects.subList(1, 3)).allSatisfy(o -> {
      assertThat(o.getMetadata().getNamespace()).isEqualTo("qonnect-bookinfo");
      assertThat(((io.fabric8.kubernetes.api.model.GenericKubernetesResource) o).getAdditionalProperties().get("spec"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("replicas", 2);
    });
    // the pods are marked as qonnect's (capacity reports leave them out of foreign load), their own labels kept
    Object template = ((Map<?, ?>) ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) objects.get(2)).getAdditionalProperties().get("spec")).get("template");
    @SuppressWarnings("unchecked")
    Map<String, Object> podLabels = (Map<String, Object>) ((Map<?, ?>) ((Map<?, ?>) template).get("metadata")).get("labels");
    assertThat(podLabels).containsEntry("app", "details").containsEntry(Labels.MANAGED_BY, Labels.MANAGER).containsEntry(Labels.COMPONENT, "fog");
  }

  @Test
  void aSingletonRunsOnlyWhileItsLeaseIsHeldAndPodTemplatesDoNotChangeWithTheEpoch() {
    DesiredApplication one = DesiredApplication.newBuilder().setApplication("bookinfo").setPlacementEpoch(4).setIncarnation(INCARNATION)
        .addComponents(image("details", 1).toBuilder().setSingleton(true)).build();
    var held = (Deployment) renderer.render(one, LEASED).objects().get(1);
    var fenced = (Deployment) renderer.render(one, (a, c) -> false).objects().get(1);
    assertThat(held.getSpec().getReplicas()).isEqualTo(1);
    assertThat(fenced.getSpec().getReplicas()).as("no lease: scaled to zero").isZero();
    assertThat(held.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey(Labels.EPOCH);
  }

  @Test
  void aPeerInAnotherClusterBecomesAnExternalNameService() {
    DesiredApplication app = desired(1, "productpage").toBuilder()
        .addRemotes(RemoteEndpoint.newBuilder().setComponent("details").setCluster("cloud-1").setAddress("details.bookinfo.cloud-1.qonnect.internal"))
        .build();
    HasMetadata remote = render(app).getLast();
    assertThat(remote.getMetadata().getName()).isEqualTo("details");
    assertThat(((io.fabric8.kubernetes.api.model.Service) remote).getSpec().getExternalName()).isEqualTo("details.bookinfo.cloud-1.qonnect.internal");
  }

  @Test
  void renderingIsDeterministicAndWhatIsAlreadyThereIsNotAppliedAgain() {
    List<HasMetadata> first = render(desired(1, "details", "ratings"));
    List<HasMetadata> again = render(desired(1, "details", "ratings"));
    Plan plan = planner.plan(again, first.stream().map(WorkloadPlannerTest::observed).toList(), owners(1), 1);
    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  void nothingIsDeletedBeforeTheLeaderHasSaidWhatIsDesired() {
    Plan plan = planner.plan(List.of(), List.of(observed("Deployment", "details", 1)), Map.of(), 0);
    assertThat(plan.delete()).isEmpty();
  }

  @Test
  void objectsOfAnOlderEpochThatAreNoLongerRenderedAreDeletedNamespacesLast() {
    List<HasMetadata> want = render(desired(2, "details"));
    List<ObservedObject> have = List.of(observed("Deployment", "ratings", 1), observed("Deployment", "reviews-v1", 3));
    Plan plan = planner.plan(want, have, owners(2), 1);
    assertThat(plan.delete()).extracting(ObservedObject::name).as("epoch 3 is newer than what we know: never touched").containsExactly("ratings");

    List<ObservedObject> gone = List.of(new ObservedObject("v1", "Namespace", null, "qonnect-shop", Map.of(Labels.APPLICATION, "shop"), "h", 3),
        new ObservedObject("apps/v1", "Deployment", "qonnect-shop", "web", Map.of(Labels.APPLICATION, "shop"), "h", 3));
    assertThat(planner.plan(List.of(), gone, Map.of(), 1).delete()).extracting(ObservedObject::kind).containsExactly("Deployment", "Namespace");
  }

  @Test
  void copiesKeptForAMigrationGoOnceItCompletesUnderTheSameEpoch() {
    // epoch 5 moved details away from here; until it ran Ready elsewhere, this cluster kept its copy, rendered
    // (and so labelled) under epoch 5. The migration completed: epoch 5 now renders only reviews-v1 here.
    List<HasMetadata> want = render(desired(5, "reviews-v1"));
    List<ObservedObject> have = List.of(observed("Deployment", "details", 5), observed("Service", "details", 5));
    assertThat(planner.plan(want, have, owners(5), 1).delete()).extracting(ObservedObject::name).containsExactly("details", "details");
  }

  @Test
  void whatQonnectDidNotCreateIsNeverAdoptedNorDeleted() {
    // a namespace and a Deployment that carry qonnect's labels but not its ownership mark (made by hand, or by
    // an agent before ownership marks): wanted names taken by them are refused, and they are never deleted
    ObservedObject foreignNamespace = new ObservedObject("v1", "Namespace", null, "qonnect-bookinfo",
        Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.APPLICATION, "bookinfo"), "", ObservedObject.NOT_OWNED);
    ObservedObject foreignDeployment = observed("Deployment", "ratings", 1, ObservedObject.NOT_OWNED);
    List<HasMetadata> want = render(desired(1, "details"));
    Plan plan = planner.plan(want, List.of(foreignNamespace, foreignDeployment), owners(1), 1);
    assertThat(plan.refused()).extracting(Plan.Refusal::key).containsExactly("Namespace/null/qonnect-bookinfo");
    assertThat(plan.update()).isEmpty();
    assertThat(plan.delete()).isEmpty();
    assertThat(planner.plan(List.of(), List.of(foreignNamespace, foreignDeployment), Map.of(), 1).delete()).as("application gone").isEmpty();
  }

  @Test
  void anotherApplicationsObjectIsRefusedNotTakenOver() {
    ObservedObject shops = new ObservedObject("v1", "Namespace", null, "qonnect-bookinfo", Map.of(Labels.APPLICATION, "shop"), "h", INCARNATION);
    Plan plan = planner.plan(render(desired(1, "details")), List.of(shops), Map.of("bookinfo", new WorkloadPlanner.Owner(1, INCARNATION, false),
        "shop", new WorkloadPlanner.Owner(1, INCARNATION, false)), 1);
    assertThat(plan.refused()).hasSize(1);
    assertThat(plan.delete()).isEmpty();
  }

  @Test
  void anOlderIncarnationIsDeletedAndANewerOneLeftAlone() {
    // bookinfo was deleted and created again (incarnation 7): the copies of incarnation 3 go whatever their epoch
    List<HasMetadata> want = render(desired(1, "details"));
    Plan plan = planner.plan(want, List.of(observed("Deployment", "details", 9, 3), observed("Deployment", "ratings", 9, 3)), owners(1), 1);
    assertThat(plan.delete()).extracting(ObservedObject::name).containsExactly("details", "ratings");
    assertThat(plan.refused()).as("details waits for the old copy to go").isEmpty();
    assertThat(plan.create()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).doesNotContain("Deployment/details");
    // incarnation 9 is newer than this desired state: it is the stale one
    assertThat(planner.plan(want, List.of(observed("Deployment", "ratings", 1, 9)), owners(1), 1).delete()).isEmpty();
  }

  @Test
  void anApplicationTheAgentCannotRenderKeepsWhatRuns() {
    // a lead agent newer than this agent sends a workload kind it does not know: nothing of it is deleted
    DesiredApplication unknown = desired(2).toBuilder().addComponents(DesiredComponent.newBuilder().setName("details").setReplicas(2)).build();
    ManifestRenderer.Rendering r = renderer.render(unknown, LEASED);
    assertThat(r.usable()).isFalse();
    assertThat(r.problem()).contains("details").contains("does not know");
    Plan plan = planner.plan(r.objects(), List.of(observed("Deployment", "details", 1), observed("Namespace", "qonnect-bookinfo", 1)),
        Map.of("bookinfo", new WorkloadPlanner.Owner(2, INCARNATION, true)), 1);
    assertThat(plan.delete()).isEmpty();
  }

  @Test
  void aDesiredStateFromALeadAgentOfThePreviousReleaseKeepsWhatRuns() {
    // lead agents before 0.2 sent the spec's text and replica counts, no typed components
    DesiredApplication old = DesiredApplication.newBuilder().setApplication("bookinfo").setPlacementEpoch(3)
        .setSpecYaml("apiVersion: qonnect.io/v1\n...").addHere(io.qonnect.proto.v1.ClusterReplicas.newBuilder().setCluster("details").setReplicas(2)).build();
    ManifestRenderer.Rendering r = renderer.render(old, LEASED);
    assertThat(r.usable()).isFalse();
    assertThat(r.problem()).contains("older than this agent");
    Plan plan = planner.plan(r.objects(), List.of(observed("Deployment", "details", 3), observed("Namespace", "qonnect-bookinfo", 3)),
        Map.of("bookinfo", new WorkloadPlanner.Owner(3, 0, true)), 1);
    assertThat(plan.delete()).as("nothing deleted while the lead agents are older").isEmpty();
  }

  @Test
  void reservedNamespacesAreNeverUsedNorDeleted() {
    Namespaces bare = new Namespaces("", java.util.Set.of("monitoring"));
    ManifestRenderer.Rendering r = new ManifestRenderer(bare).render(desired(1, "details").toBuilder().setApplication("monitoring").build(), LEASED);
    assertThat(r.usable()).isFalse();
    assertThat(new ManifestRenderer(bare).render(desired(1).toBuilder().setApplication("kube-system").build(), LEASED).problem()).contains("reserved");
    ObservedObject system = new ObservedObject("v1", "Namespace", null, "kube-system", Map.of(Labels.APPLICATION, "kube-system"), "h", 1);
    assertThat(new WorkloadPlanner(bare).plan(List.of(), List.of(system), Map.of(), 1).delete()).isEmpty();
  }

  /** Property: whatever is observed, the planner never deletes an unowned object, a newer epoch, or anything of a held application. */
  @Test
  void deletionRulesHoldForEveryMixOfObservedObjects() {
    java.util.Random random = new java.util.Random(42);
    String[] names = {"details", "ratings", "reviews", "productpage"};
    int deletions = 0;
    for (int run = 0; run < 2000; run++) {
      long desiredEpoch = random.nextInt(5);
      boolean held = random.nextInt(4) == 0;
      List<ObservedObject> have = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        long owner = switch (random.nextInt(4)) {
          case 0 -> ObservedObject.NOT_OWNED;
          case 1 -> INCARNATION - 1;
          case 2 -> INCARNATION + 1;
          default -> INCARNATION;
        };
        have.add(observed("Deployment", names[random.nextInt(names.length)] + i, random.nextInt(6), owner));
      }
      List<HasMetadata> want = held ? List.of() : render(desired(desiredEpoch, names[random.nextInt(names.length)]));
      Plan plan = planner.plan(want, have, Map.of("bookinfo", new WorkloadPlanner.Owner(desiredEpoch, INCARNATION, held)), 1);
      for (ObservedObject d : plan.delete()) {
        deletions++;
        assertThat(d.owned()).isTrue();
        assertThat(d.owner()).isLessThanOrEqualTo(INCARNATION);
        if (d.owner() == INCARNATION) {
          assertThat(held).isFalse();
          assertThat(d.epoch()).isLessThanOrEqualTo(desiredEpoch);
        }
      }
    }
    assertThat(deletions).as("the property saw deletions at all").isGreaterThan(100);
  }

  /** An object as a newer desired state wrote it: revision 20, epoch 4. */
  static ObservedObject writtenByRevision20(String kind, String name) {
    return new ObservedObject("apps/v1", kind, "qonnect-bookinfo", name,
        Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.APPLICATION, "bookinfo", Labels.EPOCH, "4"), "newer", INCARNATION, 20);
  }

  @Test
  void anOlderDesiredStateNeitherDeletesNorRewritesWhatANewerOneWrote() {
    // a new leader that has not applied the committed tail (or a deposed one) sends revision 10, which knows epoch 3
    List<HasMetadata> want = render(desired(3, "details"));
    List<ObservedObject> have = List.of(writtenByRevision20("Deployment", "details"), writtenByRevision20("Deployment", "reviews"));
    Plan plan = planner.plan(want, have, owners(3), 10);
    assertThat(plan.delete()).as("reviews was created by revision 20: revision 10 cannot know it").isEmpty();
    assertThat(plan.update()).as("details was written by revision 20 under epoch 4").isEmpty();
    Plan current = planner.plan(render(desired(4, "details")), have, owners(4), 20);
    assertThat(current.delete()).extracting(ObservedObject::name).containsExactly("reviews");
    assertThat(current.update()).extracting(o -> o.getMetadata().getName()).containsExactly("details");
  }
}
