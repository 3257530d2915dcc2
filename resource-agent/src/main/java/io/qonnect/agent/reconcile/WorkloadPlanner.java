package io.qonnect.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what to change in one member cluster. Pure: rendered desired objects and observed objects in, a
 * plan out.
 *
 * <p>Ownership first: an object is qonnect's only if it carries the ownership annotation ({@link Labels#OWNER},
 * the incarnation of the application that created it). A wanted object that does not exist yet is created; one
 * that exists and is owned by this incarnation is updated when its rendered hash differs; one whose name is
 * taken by anything else is refused, never adopted.
 *
 * <p>Deletes only what committed state says is no longer owned, and only owned objects outside reserved
 * namespaces: nothing before a desired state arrived; nothing of an application the agent holds (it could
 * not use what it received, so it keeps what runs); everything of an application gone from the desired state
 * or of an older incarnation of it (deleted and created again); otherwise an object not rendered any more
 * whose epoch is the desired one or older. The same epoch counts: while an application migrates
 * make-before-break, the previous placement's copies are rendered (and so relabelled) under the new epoch,
 * and they must go once the migration completes. Objects of a newer epoch or incarnation than the desired
 * state knows are never touched (the desired state is the stale one), and neither are objects written from a
 * newer desired state ({@link Labels#DESIRED_REVISION}): a new leader that has not applied the committed tail, or
 * a deposed one, may send an older state, and it must not undo or delete what a newer one made.
 */
public final class WorkloadPlanner {
  /** What the desired state says of one application: its placement epoch and incarnation; held = keep as is. */
  public record Owner(long epoch, long incarnation, boolean held) {}

  private final Namespaces namespaces;

  public WorkloadPlanner(Namespaces namespaces) {
    this.namespaces = namespaces;
  }

  /**
   * @param applications every application in the desired state
   * @param desiredRevision the revision of the desired state; 0 until one arrived from the leader: then nothing is deleted
   */
  public Plan plan(List<HasMetadata> desired, List<ObservedObject> observed, Map<String, Owner> applications, long desiredRevision) {
    boolean desiredKnown = desiredRevision > 0;
    Map<String, ObservedObject> byKey = new HashMap<>();
    observed.forEach(o -> byKey.put(o.key(), o));
    List<HasMetadata> create = new ArrayList<>();
    List<HasMetadata> update = new ArrayList<>();
    List<Plan.Refusal> refused = new ArrayList<>();
    for (HasMetadata want : desired) {
      String application = want.getMetadata().getLabels().getOrDefault(Labels.APPLICATION, "");
      Owner owner = applications.get(application);
      ObservedObject have = byKey.get(key(want));
      if (have == null) {
        create.add(want);
      } else if (have.owned() && have.application().equals(application) && owner != null && have.owner() == owner.incarnation()) {
        boolean newer = have.revision() > desiredRevision || have.epoch() > owner.epoch(); // written from a newer state
        if (!newer && !have.hash().equals(annotation(want, Labels.HASH))) update.add(want);
      } else if (!(have.owned() && have.application().equals(application) && owner != null && have.owner() < owner.incarnation())) {
        refused.add(new Plan.Refusal(key(want), "exists and is not owned by application " + application
            + (have.owned() ? " (it belongs to " + have.application() + ", incarnation " + have.owner() + ")" : "")));
      } // else: an older incarnation's object, deleted below; created once it is gone
    }
    Set<String> wanted = desired.stream().map(WorkloadPlanner::key).collect(Collectors.toSet());
    List<ObservedObject> delete = new ArrayList<>();
    if (desiredKnown) {
      for (ObservedObject have : observed) {
        if (!have.owned() || namespaces.isReserved(have.kind().equals("Namespace") ? have.name() : have.namespace())) continue;
        if (have.revision() > desiredRevision) continue; // this desired state is older than the one that wrote it
        Owner owner = applications.get(have.application());
        if (owner == null || have.owner() < owner.incarnation()) {
          delete.add(have);
        } else if (!owner.held() && have.owner() == owner.incarnation() && !wanted.contains(have.key()) && have.epoch() <= owner.epoch()) {
          delete.add(have);
        }
      }
    }
    // namespaces last: deleting one deletes what is in it
    delete.sort((a, b) -> Boolean.compare(a.kind().equals("Namespace"), b.kind().equals("Namespace")));
    return new Plan(create, update, delete, refused);
  }

  private static String annotation(HasMetadata o, String name) {
    return o.getMetadata().getAnnotations() == null ? "" : o.getMetadata().getAnnotations().getOrDefault(name, "");
  }

  static String key(HasMetadata o) {
    String ns = o.getKind().equals("Namespace") ? null : o.getMetadata().getNamespace();
    return o.getKind() + "/" + ns + "/" + o.getMetadata().getName();
  }
}
