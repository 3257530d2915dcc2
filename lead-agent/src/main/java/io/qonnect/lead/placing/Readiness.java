package io.qonnect.lead.placing;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.ObservationSnapshot;
import io.qonnect.proto.v1.ReadinessReport;
import io.qonnect.proto.v1.WorkloadReadiness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ready replicas per application, placement epoch, component and member cluster, as agents last reported
 * them to the knowledge base. Pure. Only reports for the application's current epoch count: a replica of a
 * superseded placement is not progress towards the current one.
 */
public final class Readiness {
  private final Map<String, ComponentReadiness> ready;

  private Readiness(Map<String, ComponentReadiness> ready) {
    this.ready = ready;
  }

  public static Readiness of(ObservationSnapshot observations) {
    Map<String, ComponentReadiness> ready = new HashMap<>();
    for (ReadinessReport r : observations.getReadinessList()) {
      for (ComponentReadiness c : r.getComponentsList()) {
        ready.put(key(c.getApplication(), c.getPlacementEpoch(), c.getComponent(), r.getCluster()), c);
      }
    }
    return new Readiness(ready);
  }

  /** The workloads of a component in a cluster as its agent last reported them (current epoch only). */
  public List<WorkloadReadiness> workloads(ApplicationRecord app, String component, String cluster) {
    ComponentReadiness c = ready.get(key(app.name(), app.placementEpoch(), component, cluster));
    return c == null ? List.of() : c.getWorkloadsList();
  }

  private static String key(String application, long epoch, String component, String cluster) {
    return application + "/" + epoch + "/" + component + "/" + cluster;
  }

  public int of(ApplicationRecord app, String component, String cluster) {
    ComponentReadiness c = ready.get(key(app.name(), app.placementEpoch(), component, cluster));
    return c == null ? 0 : c.getReadyReplicas();
  }

  /**
   * What the committed placement still waits for: per component and member cluster not yet Ready, each workload
   * short of its replicas with what Kubernetes says, or that its agent has reported nothing. Empty when complete.
   */
  public List<String> waitingFor(ApplicationRecord app) {
    List<String> out = new java.util.ArrayList<>();
    if (app.placement() == null) return out;
    for (var component : app.placement().components().entrySet()) {
      for (var cluster : component.getValue().entrySet()) {
        ComponentReadiness c = ready.get(key(app.name(), app.placementEpoch(), component.getKey(), cluster.getKey().value()));
        if (c != null && c.getReadyReplicas() >= cluster.getValue()) continue;
        String where = component.getKey() + " in " + cluster.getKey().value();
        if (c == null) {
          out.add(where + ": no readiness reported by its agent");
          continue;
        }
        List<String> short_ = c.getWorkloadsList().stream().filter(w -> w.getReadyReplicas() < w.getDesiredReplicas())
            .map(w -> w.getKind() + "/" + w.getName() + " " + w.getReadyReplicas() + "/" + w.getDesiredReplicas() + " Ready"
                + (w.getProblem().isEmpty() ? "" : " (" + w.getProblem() + ")"))
            .toList();
        out.add(where + ": " + c.getReadyReplicas() + "/" + cluster.getValue() + " Ready" + (short_.isEmpty() ? "" : "; " + String.join("; ", short_)));
      }
    }
    return out;
  }

  /**
   * Why a migration in flight has not completed, once it has waited longer than {@code boundMillis}; empty before
   * that, or when nothing waits. Pure: the caller passes the time.
   */
  public java.util.Optional<String> stalled(ApplicationRecord app, long nowMillis, long boundMillis) {
    if (!app.migrating() || app.migratingSinceMillis() == 0 || nowMillis - app.migratingSinceMillis() < boundMillis) return java.util.Optional.empty();
    List<String> waiting = waitingFor(app);
    if (waiting.isEmpty()) return java.util.Optional.empty();
    return java.util.Optional.of("epoch " + app.placementEpoch() + " not Ready after " + (nowMillis - app.migratingSinceMillis()) / 1000
        + " s (the previous placement keeps running): " + String.join("; ", waiting));
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
