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
 * plan out. Applies what is missing or differs (by rendered hash). Deletes an owned object only when the
 * committed desired state says it is no longer owned: its application is gone from the desired state, or
 * the object is not rendered any more and is from the desired placement epoch or an older one. The same
 * epoch counts: while an application migrates make-before-break, the previous placement's copies are
 * rendered (and so relabelled) under the new epoch, and they must go once the migration completes. Objects
 * from a newer epoch than the desired state knows are never touched (the desired state is the stale one).
 */
public final class WorkloadPlanner {
  /**
   * @param desiredEpochs the placement epoch of every application in the desired state
   * @param desiredKnown false until a desired state arrived from the leader: then nothing is deleted
   */
  public Plan plan(List<HasMetadata> desired, List<ObservedObject> observed, Map<String, Long> desiredEpochs, boolean desiredKnown) {
    Map<String, ObservedObject> byKey = new HashMap<>();
    observed.forEach(o -> byKey.put(o.key(), o));
    List<HasMetadata> apply = new ArrayList<>();
    for (HasMetadata want : desired) {
      ObservedObject have = byKey.get(key(want));
      String hash = want.getMetadata().getAnnotations() == null ? "" : want.getMetadata().getAnnotations().getOrDefault(Labels.HASH, "");
      if (have == null || !have.hash().equals(hash)) apply.add(want);
    }
    Set<String> wanted = desired.stream().map(WorkloadPlanner::key).collect(Collectors.toSet());
    List<ObservedObject> delete = new ArrayList<>();
    if (desiredKnown) {
      for (ObservedObject have : observed) {
        if (wanted.contains(have.key())) continue;
        Long epoch = desiredEpochs.get(have.application());
        if (epoch == null || have.epoch() <= epoch) delete.add(have);
      }
    }
    // namespaces last: deleting one deletes what is in it
    delete.sort((a, b) -> Boolean.compare(a.kind().equals("Namespace"), b.kind().equals("Namespace")));
    return new Plan(apply, delete);
  }

  static String key(HasMetadata o) {
    String ns = o.getKind().equals("Namespace") ? null : o.getMetadata().getNamespace();
    return o.getKind() + "/" + ns + "/" + o.getMetadata().getName();
  }
}
