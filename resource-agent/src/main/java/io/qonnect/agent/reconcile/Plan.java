package io.qonnect.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * What to change in a member cluster. {@code create}: objects qonnect does not see as its own yet (the shell
 * creates each only if nothing of that name exists); {@code update}: its own objects whose rendered hash
 * differs; {@code delete}: its own objects committed state no longer wants; {@code refused}: wanted objects
 * whose name is taken by something qonnect does not own (never adopted).
 */
public record Plan(List<HasMetadata> create, List<HasMetadata> update, List<ObservedObject> delete, List<Refusal> refused) {
  public record Refusal(String key, String reason) {}

  public Plan {
    create = List.copyOf(create);
    update = List.copyOf(update);
    delete = List.copyOf(delete);
    refused = List.copyOf(refused);
  }

  public boolean isEmpty() {
    return create.isEmpty() && update.isEmpty() && delete.isEmpty();
  }
}
