package io.qonnect.agent.report;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qonnect.agent.reconcile.Labels;
import java.util.Map;

/**
 * What the agent reads of one pod, computed once when the pod is listed or changes: the node it is bound to, what its
 * containers request, whether qonnect manages it, whether it finished, and the qonnect component it runs. The capacity
 * report and the running components are computed from these every few seconds for every pod in the cluster, so they
 * must not parse quantities each time (at 5,000 pods that was most of an idle agent's allocation). Pure.
 *
 * @param node null when not bound to a node yet
 * @param component "application/component" of a pod qonnect's renderer labelled, else null
 */
public record PodUsage(String node, long cpuMillis, long memoryBytes, boolean managed, boolean finished, String component) {
  public static PodUsage of(Pod pod) {
    Map<String, String> labels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    long cpu = 0;
    long memory = 0;
    String node = null;
    if (pod.getSpec() != null) {
      node = pod.getSpec().getNodeName();
      for (var c : pod.getSpec().getContainers()) {
        if (c.getResources() == null || c.getResources().getRequests() == null) continue;
        cpu += millis(c.getResources().getRequests().get("cpu"));
        memory += bytes(c.getResources().getRequests().get("memory"));
      }
    }
    String application = labels.get(Labels.APPLICATION);
    String component = labels.get(Labels.COMPONENT);
    return new PodUsage(node, cpu, memory, Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY)), "Succeeded".equals(phase) || "Failed".equals(phase),
        application == null || component == null ? null : application + "/" + component);
  }

  static long millis(Quantity q) {
    return q == null ? 0 : Quantity.getAmountInBytes(q).multiply(java.math.BigDecimal.valueOf(1000)).longValue();
  }

  static long bytes(Quantity q) {
    return q == null ? 0 : Quantity.getAmountInBytes(q).longValue();
  }
}
