package io.qonnect.agent.reconcile;

import java.util.Map;

/**
 * An object as the member cluster has it: identity, labels, the hash it was applied with, and the incarnation
 * of the application that owns it ({@link #NOT_OWNED} when it carries no ownership annotation).
 */
public record ObservedObject(String apiVersion, String kind, String namespace, String name, Map<String, String> labels, String hash, long owner,
    long revision) {
  public static final long NOT_OWNED = -1;

  /** An object written before 0.3, or by a test: no desired-state revision recorded. */
  public ObservedObject(String apiVersion, String kind, String namespace, String name, Map<String, String> labels, String hash, long owner) {
    this(apiVersion, kind, namespace, name, labels, hash, owner, 0);
  }

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

  /** What the agent sees of an object it read from its API server. */
  public static ObservedObject of(io.fabric8.kubernetes.api.model.HasMetadata r) {
    Map<String, String> annotations = r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations();
    return new ObservedObject(r.getApiVersion(), r.getKind(), r.getMetadata().getNamespace(), r.getMetadata().getName(),
        r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels(), annotations.getOrDefault(Labels.HASH, ""),
        owner(annotations), number(annotations.get(Labels.DESIRED_REVISION)));
  }

  private static long number(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
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
