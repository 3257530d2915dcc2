package io.qonnect.agent.reconcile;

import java.util.Map;

/** An object qonnect manages as the member cluster has it: identity, labels, and the hash it was applied with. */
public record ObservedObject(String apiVersion, String kind, String namespace, String name, Map<String, String> labels, String hash) {
  public String application() {
    return labels.getOrDefault(Labels.APPLICATION, "");
  }

  public long epoch() {
    try {
      return Long.parseLong(labels.getOrDefault(Labels.EPOCH, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public ObservedObject withApplication(String application) {
    Map<String, String> changed = new java.util.HashMap<>(labels);
    changed.put(Labels.APPLICATION, application);
    return new ObservedObject(apiVersion, kind, namespace, name, Map.copyOf(changed), hash);
  }

  public String key() {
    return kind + "/" + namespace + "/" + name;
  }
}
