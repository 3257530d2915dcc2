package io.qonnect.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qonnect.agent.reconcile.Labels;
import io.qonnect.proto.v1.ClusterReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapacityCollectorTest {
  static Node node(String name, boolean ready, String price) {
    return new NodeBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of("qonnect.io/idle-watts", "40", "qonnect.io/max-watts", "120", "qonnect.io/price-per-core-hour", price))
        .endMetadata()
        .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")))
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus().build();
  }

  static Pod pod(String node, String cpu, boolean managed) {
    return new PodBuilder().withNewMetadata().withName("p-" + node + cpu).withLabels(managed ? Map.of(Labels.MANAGED_BY, Labels.MANAGER) : Map.of())
        .endMetadata().withNewSpec().withNodeName(node)
        .addNewContainer().withName("c").withNewResources().addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity("1Gi"))
        .endResources().endContainer().endSpec().withNewStatus().withPhase("Running").endStatus().build();
  }

  @Test
  void requestsCountOnlyWorkloadsQonnectDoesNotManageAndPricesAreTheNodesMean() {
    ClusterReport r = CapacityCollector.collect("fog-1", 7, List.of(node("b", false, "0.06"), node("a", true, "0.04")),
        List.of(pod("a", "500m", false), pod("a", "250m", false), pod("a", "2", true), pod("b", "1", false)).stream().map(PodUsage::of).toList());

    assertThat(r.getNodesList()).extracting(n -> n.getName()).containsExactly("a", "b");
    assertThat(r.getNodes(0).getAllocatable().getCpuMillis()).isEqualTo(4000);
    assertThat(r.getNodes(0).getRequested().getCpuMillis()).as("500m + 250m; the qonnect pod is not counted").isEqualTo(750);
    assertThat(r.getNodes(0).getReady()).isTrue();
    assertThat(r.getNodes(1).getReady()).isFalse();
    assertThat(r.getNodes(0).getMaxWatts()).isEqualTo(120);
    assertThat(r.getPricePerCoreHour()).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-12)); // (0.04 + 0.06) / 2
  }
}
