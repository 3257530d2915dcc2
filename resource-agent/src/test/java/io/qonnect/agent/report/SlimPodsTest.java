package io.qonnect.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qonnect.agent.reconcile.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the agent reads of pods is the same from the slim store's summaries as from whole pods. */
class SlimPodsTest {
  private static final String[] PHASES = {"Pending", "Running", "Succeeded", "Failed", null};

  /** A pod as an API server lists it: managed fields, env, volumes, conditions; labels of every kind. */
  private static Pod pod(Random random, int i) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName("p-" + i).withNamespace(random.nextBoolean() ? "shop" : "qonnect-shop")
        .withUid("uid-" + i).withResourceVersion(Integer.toString(1000 + i))
        .addToLabels("app", "web-" + random.nextInt(3))
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"a\":\"" + "x".repeat(400) + "\"}")
        .addNewManagedField().withManager("kube-controller-manager").withOperation("Update").withApiVersion("v1").endManagedField()
        .endMetadata();
    if (random.nextInt(3) == 0) b.editMetadata().addToLabels(Labels.MANAGED_BY, Labels.MANAGER).endMetadata();
    if (random.nextInt(3) == 0) b.editMetadata().addToLabels(Labels.APPLICATION, "shop").addToLabels(Labels.COMPONENT, "web-" + random.nextInt(2)).endMetadata();
    if (random.nextInt(5) > 0) {
      var spec = b.withNewSpec().withNodeName(random.nextInt(4) == 0 ? null : "node-" + random.nextInt(3)).addNewVolume().withName("data").endVolume();
      for (int c = random.nextInt(3); c >= 0; c--) {
        var container = spec.addNewContainer().withName("c" + c).withImage("registry.example/app:1." + c).addNewEnv().withName("MODE").withValue("prod").endEnv();
        if (random.nextBoolean()) {
          container.withNewResources().addToRequests("cpu", new Quantity(random.nextInt(900) + 1 + "m")).addToRequests("memory", new Quantity(random.nextInt(512) + 1 + "Mi"))
              .addToRequests("ephemeral-storage", new Quantity("1Gi")).addToLimits("cpu", new Quantity("2")).endResources();
        }
        container.endContainer();
      }
      spec.endSpec();
    }
    String phase = PHASES[random.nextInt(PHASES.length)];
    if (phase != null) b.withNewStatus().withPhase(phase).withPodIP("10.0.0." + i).addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    return b.build();
  }

  /** The capacity report and the running components from the summaries, against the rules applied to whole pods. */
  @Test
  void summariesGiveWhatWholePodsGive() {
    List<Node> nodes = List.of(CapacityCollectorTest.node("node-0", true, "0.04"), CapacityCollectorTest.node("node-1", true, "0.05"),
        CapacityCollectorTest.node("node-2", false, "0.06"));
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      SlimPods store = new SlimPods();
      List<Pod> whole = new ArrayList<>();
      for (int i = random.nextInt(30); i > 0; i--) {
        Pod pod = pod(random, i);
        whole.add(pod);
        store.put(store.getKey(pod), pod);
      }
      Map<String, long[]> requested = new java.util.TreeMap<>(); // the rule, on whole pods: bound, not finished, not qonnect's
      java.util.TreeSet<String> running = new java.util.TreeSet<>();
      for (Pod p : whole) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        boolean finished = "Succeeded".equals(phase) || "Failed".equals(phase);
        Map<String, String> labels = p.getMetadata().getLabels();
        if (!finished && labels.containsKey(Labels.APPLICATION)) running.add(labels.get(Labels.APPLICATION) + "/" + labels.get(Labels.COMPONENT));
        if (finished || p.getSpec() == null || p.getSpec().getNodeName() == null || Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY))) continue;
        long[] sum = requested.computeIfAbsent(p.getSpec().getNodeName(), k -> new long[2]);
        for (var c : p.getSpec().getContainers()) {
          if (c.getResources() == null || c.getResources().getRequests() == null) continue;
          sum[0] += Quantity.getAmountInBytes(c.getResources().getRequests().get("cpu")).movePointRight(3).longValue();
          sum[1] += Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")).longValue();
        }
      }
      var report = CapacityCollector.collect("c", 1, nodes, store.usage());
      for (var n : report.getNodesList()) {
        long[] expected = requested.getOrDefault(n.getName(), new long[2]);
        assertThat(new long[] {n.getRequested().getCpuMillis(), n.getRequested().getMemoryBytes()}).as("seed " + seed + ", " + n.getName()).isEqualTo(expected);
      }
      assertThat(RunningComponents.of(store.usage(), List.of())).as("seed " + seed).containsExactlyElementsOf(running);
    }
  }

  @Test
  void theStoreKeepsOnlyVersionsAndSummariesUnderTheInformersKeys() {
    Pod pod = pod(new Random(3), 1);
    SlimPods store = new SlimPods();
    String key = store.getKey(pod);
    store.put(key, pod);
    assertThat(key).isEqualTo(pod.getMetadata().getNamespace() + "/p-1");
    assertThat(store.get(key).getMetadata().getResourceVersion()).as("the informer compares versions").isEqualTo("1001");
    assertThat(store.get(key).getSpec()).as("nothing else of the pod").isNull();
    assertThat(store.usage()).containsExactly(PodUsage.of(pod));
    Pod moved = new PodBuilder(pod).editMetadata().withResourceVersion("1002").endMetadata().editOrNewSpec().withNodeName("node-9").endSpec().build();
    store.put(key, moved);
    assertThat(store.usage()).as("an update replaces the summary").containsExactly(PodUsage.of(moved));
    store.remove(key);
    assertThat(store.values()).isEmpty();
    assertThat(store.usage()).isEmpty();
  }
}
