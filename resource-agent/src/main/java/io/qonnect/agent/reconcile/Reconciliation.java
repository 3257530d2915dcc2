package io.qonnect.agent.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reconcile step of an agent, without I/O: the desired state it holds, what its member cluster has, and the
 * leases it holds in; the plan out, with the applications it holds (could not render) and why. The agent's
 * shell and the simulation both run it and carry the plan out.
 */
public final class Reconciliation {
  /** @param held applications kept as they run, each with why (nothing of them is created or deleted) */
  public record Step(Plan plan, Map<String, String> held) {}

  private final ManifestRenderer renderer;
  private final WorkloadPlanner planner;

  public Reconciliation(Namespaces namespaces) {
    this.renderer = new ManifestRenderer(namespaces);
    this.planner = new WorkloadPlanner(namespaces);
  }

  /** @param state the desired state held, or null before one arrived (then nothing is deleted) */
  public Step plan(DesiredState state, List<ObservedObject> observed, ManifestRenderer.Leases leases) {
    List<HasMetadata> want = new ArrayList<>();
    Map<String, WorkloadPlanner.Owner> owners = new HashMap<>();
    Map<String, String> held = new LinkedHashMap<>();
    if (state != null) {
      for (DesiredApplication app : state.getApplicationsList()) {
        ManifestRenderer.Rendering rendering = renderer.render(app, leases);
        owners.put(app.getApplication(), new WorkloadPlanner.Owner(app.getPlacementEpoch(), app.getIncarnation(), !rendering.usable()));
        if (rendering.usable()) want.addAll(rendering.objects());
        else held.put(app.getApplication(), rendering.problem());
      }
    }
    long revision = state == null ? 0 : Math.max(1, state.getRevision());
    want.forEach(o -> stampRevision(o, revision));
    return new Step(planner.plan(want, observed, owners, revision), held);
  }

  /**
   * The desired state to hold when {@code incoming} arrives: it, unless it is older than the one held (a new
   * leader that has not applied the committed tail yet, or a deposed one, sends an older state).
   */
  public static DesiredState newer(DesiredState held, DesiredState incoming) {
    return held == null || incoming.getRevision() >= held.getRevision() ? incoming : held;
  }

  /** Written into each object (outside its rendered hash): an older desired state will not touch it. */
  private static void stampRevision(HasMetadata o, long revision) {
    Map<String, String> annotations = new HashMap<>(o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations());
    annotations.put(Labels.DESIRED_REVISION, Long.toString(revision));
    o.getMetadata().setAnnotations(annotations);
  }

  /** The workloads rendered for one application now (what its readiness is computed over). */
  public ManifestRenderer.Rendering render(DesiredApplication app, ManifestRenderer.Leases leases) {
    return renderer.render(app, leases);
  }
}
