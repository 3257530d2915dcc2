package io.qonnect.agent.reconcile;

import java.util.Map;

/**
 * An object as the member cluster has it: identity, labels, the hash it was applied with, and the incarnation
 * of the application that owns it ({@link #NOT_OWNED} when it carries no ownership annotation).
 */
public record ObservedObject(String apiVersion, String kind, String namespace, String name, Map<String, String> labels, String hash, long owner) {
  public static final long NOT_OWNED = -1;

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

  public boolean owned() {
    return owner != NOT_OWNED;
  }

  public static long owner(Map<String, String> annotations) {
    try {
      return Long.parseLong(annotations.getOrDefault(Labels.OWNER, ""));
    } catch (NumberFormatException e) {
      return NOT_OWNED;
    }
  }

  public String key() {
    return kind + "/" + namespace + "/" + name;
  }
}
