package io.qonnect.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** What to change in a member cluster: objects to server-side apply, then objects to delete. */
public record Plan(List<HasMetadata> apply, List<ObservedObject> delete) {
  public Plan {
    apply = List.copyOf(apply);
    delete = List.copyOf(delete);
  }

  public boolean isEmpty() {
    return apply.isEmpty() && delete.isEmpty();
  }
}
