package io.qonnect.agent.reconcile;

/** The labels and annotations that mark what qonnect owns in a member cluster. */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "qonnect";
  public static final String APPLICATION = "qonnect.io/application";
  public static final String COMPONENT = "qonnect.io/component";
  public static final String EPOCH = "qonnect.io/placement-epoch";
  /**
   * Ownership: the incarnation of the application that created the object (the revision that created the
   * application). The agent updates and deletes only objects carrying it, and creates only what does not exist.
   */
  public static final String OWNER = "qonnect.io/application-uid";
  /** Hash of the rendered object: equal hash, nothing to apply. */
  public static final String HASH = "qonnect.io/rendered-hash";
  /** On a singleton's Deployment: it must never run in two member clusters at once (drills check it). */
  public static final String SINGLETON = "qonnect.io/singleton";
  /**
   * The revision of the desired state an object was last written from. A desired state older than that (from a
   * leader that has not applied the committed tail, or a deposed one) neither rewrites nor deletes the object:
   * the cluster itself remembers how far its agent got, across agent restarts.
   */
  public static final String DESIRED_REVISION = "qonnect.io/desired-revision";
  public static final String SELECTOR = MANAGED_BY + "=" + MANAGER;

  private Labels() {}

  /** Whether {@code live} is owned as {@code rendered} would be: the same application and incarnation. */
  public static boolean sameOwner(io.fabric8.kubernetes.api.model.HasMetadata rendered, io.fabric8.kubernetes.api.model.HasMetadata live) {
    return live != null && mark(rendered, OWNER, true) != null && mark(rendered, OWNER, true).equals(mark(live, OWNER, true))
        && java.util.Objects.equals(mark(rendered, APPLICATION, false), mark(live, APPLICATION, false));
  }

  private static String mark(io.fabric8.kubernetes.api.model.HasMetadata o, String key, boolean annotation) {
    java.util.Map<String, String> marks = annotation ? o.getMetadata().getAnnotations() : o.getMetadata().getLabels();
    return marks == null ? null : marks.get(key);
  }
}
