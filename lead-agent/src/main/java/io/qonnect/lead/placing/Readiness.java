package io.qonnect.lead.placing;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.HashMap;
import java.util.Map;

/**
 * Ready replicas per application, placement epoch, component and member cluster, as agents last reported
 * them to the knowledge base. Pure. Only reports for the application's current epoch count: a replica of a
 * superseded placement is not progress towards the current one.
 */
public final class Readiness {
  private final Map<String, Integer> ready;

  private Readiness(Map<String, Integer> ready) {
    this.ready = ready;
  }

  public static Readiness of(ObservationSnapshot observations) {
    Map<String, Integer> ready = new HashMap<>();
    for (ReadinessReport r : observations.getReadinessList()) {
      for (ComponentReadiness c : r.getComponentsList()) {
        ready.put(key(c.getApplication(), c.getPlacementEpoch(), c.getComponent(), r.getCluster()), c.getReadyReplicas());
      }
    }
    return new Readiness(ready);
  }

  private static String key(String application, long epoch, String component, String cluster) {
    return application + "/" + epoch + "/" + component + "/" + cluster;
  }

  public int of(ApplicationRecord app, String component, String cluster) {
    return ready.getOrDefault(key(app.name(), app.placementEpoch(), component, cluster), 0);
  }

  /** Every component of the committed placement runs its placed replica count Ready, in every cluster it is placed in. */
  public boolean complete(ApplicationRecord app) {
    if (app.placement() == null) return false;
    for (var component : app.placement().components().entrySet()) {
      for (var cluster : component.getValue().entrySet()) {
        if (of(app, component.getKey(), cluster.getKey().value()) < cluster.getValue()) return false;
      }
    }
    return true;
  }
}
