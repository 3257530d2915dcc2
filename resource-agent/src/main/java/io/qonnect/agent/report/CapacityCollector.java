package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.Resources;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the informer caches' nodes and pods ({@link PodUsage}) into a {@link ClusterReport}. Pure. Requested capacity counts only
 * pods qonnect does not manage (running or pending, bound to the node): qonnect's own demand is known from the
 * committed placements, and counting it twice would hide capacity while an agent catches up. Power and
 * prices come from node labels ({@code qonnect.io/idle-watts}, {@code max-watts}, {@code price-per-core-hour},
 * {@code price-per-gib-hour}, {@code bandwidth-mbps}); the cluster's price is the mean of its nodes'.
 */
public final class CapacityCollector {
  private CapacityCollector() {}

  public static ClusterReport collect(String cluster, long nowMillis, List<Node> nodes, Collection<PodUsage> pods) {
    Map<String, long[]> requested = new HashMap<>();
    for (PodUsage pod : pods) {
      if (pod.node() == null || pod.finished() || pod.managed()) continue;
      long[] sum = requested.computeIfAbsent(pod.node(), k -> new long[2]);
      sum[0] += pod.cpuMillis();
      sum[1] += pod.memoryBytes();
    }
    ClusterReport.Builder b = ClusterReport.newBuilder().setCluster(cluster).setObservedUnixMillis(nowMillis);
    double core = 0;
    double gib = 0;
    double bandwidth = 0;
    List<Node> sorted = nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList();
    for (Node n : sorted) {
      Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
      Map<String, Quantity> alloc = n.getStatus() == null || n.getStatus().getAllocatable() == null ? Map.of() : n.getStatus().getAllocatable();
      long[] req = requested.getOrDefault(n.getMetadata().getName(), new long[2]);
      b.addNodes(NodeObservation.newBuilder().setName(n.getMetadata().getName())
          .setAllocatable(Resources.newBuilder().setCpuMillis(PodUsage.millis(alloc.get("cpu"))).setMemoryBytes(PodUsage.bytes(alloc.get("memory"))))
          .setRequested(Resources.newBuilder().setCpuMillis(req[0]).setMemoryBytes(req[1]))
          .setReady(ready(n))
          .setIdleWatts(number(labels, "qonnect.io/idle-watts"))
          .setMaxWatts(Math.max(number(labels, "qonnect.io/idle-watts"), number(labels, "qonnect.io/max-watts"))));
      core += number(labels, "qonnect.io/price-per-core-hour");
      gib += number(labels, "qonnect.io/price-per-gib-hour");
      bandwidth += number(labels, "qonnect.io/bandwidth-mbps");
    }
    if (!sorted.isEmpty()) {
      b.setPricePerCoreHour(core / sorted.size()).setPricePerGibHour(gib / sorted.size()).setBandwidthMbps(bandwidth / sorted.size());
    }
    return b.build();
  }

  public static boolean ready(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) return false;
    for (NodeCondition c : n.getStatus().getConditions()) if ("Ready".equals(c.getType())) return "True".equals(c.getStatus());
    return false;
  }

  private static double number(Map<String, String> labels, String key) {
    try {
      double v = Double.parseDouble(labels.getOrDefault(key, "0"));
      return v >= 0 && Double.isFinite(v) ? v : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
