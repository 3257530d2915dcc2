package io.qonnect.cli;

import io.qonnect.placement.Diagnosis;
import io.qonnect.placement.Explanation;
import io.qonnect.placement.PlacementOutcome;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.solve.Objective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plan result as plain maps, so {@code -o json|yaml} has a stable, documented shape. */
final class OutcomeView {
  private OutcomeView() {}

  static Map<String, Object> of(String application, PlacementOutcome outcome) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("application", application);
    switch (outcome) {
      case PlacementOutcome.Placed p -> {
        m.put("outcome", "Placed");
        m.put("strategy", p.explanation().strategy());
        Map<String, Object> placement = new LinkedHashMap<>();
        p.placement().components().forEach((c, clusters) -> placement.put(c, byName(clusters)));
        m.put("placement", placement);
        m.put("objective", objective(p.explanation().objective()));
        m.put("components", p.explanation().components().stream().map(OutcomeView::choice).toList());
        m.put("notes", p.explanation().notes());
      }
      case PlacementOutcome.Unschedulable u -> {
        m.put("outcome", "Unschedulable");
        m.put("reason", u.diagnosis().summary());
        m.put("components", u.diagnosis().components().stream().map(OutcomeView::diagnosis).toList());
      }
    }
    return m;
  }

  private static Map<String, Object> objective(Objective.Breakdown b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", round(b.value()));
    m.put("energy", round(b.energy()));
    m.put("cost", round(b.cost()));
    m.put("performance", round(b.performance()));
    m.put("latency", round(b.latency()));
    m.put("headroom", round(b.headroom()));
    m.put("watts", round(b.watts()));
    m.put("costPerHour", round(b.costPerHour()));
    m.put("meanLatencyMs", round(b.meanLatencyMs()));
    return m;
  }

  private static Map<String, Object> choice(Explanation.ComponentChoice c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("component", c.component());
    m.put("clusters", c.clusters().stream().map(s -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("cluster", s.cluster().value());
      x.put("tier", s.tier().yamlName());
      x.put("replicas", s.replicas());
      x.put("wattsPerReplica", round(s.wattsPerReplica()));
      x.put("costPerReplicaHour", round(s.costPerReplicaHour()));
      x.put("utilisation", round(s.utilisation()));
      return x;
    }).toList());
    m.put("nextBest", c.alternatives().stream().map(a -> Map.of("cluster", a.cluster().value(), "extraPercent", round(a.extraPercent()))).toList());
    m.put("rejected", byName(c.rejected()));
    return m;
  }

  private static Map<String, Object> diagnosis(Diagnosis.ComponentDiagnosis d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("component", d.component());
    m.put("eligible", d.eligible().stream().map(ClusterId::value).toList());
    if (!d.problem().isEmpty()) m.put("problem", d.problem());
    m.put("rejected", byName(d.rejected()));
    return m;
  }

  private static <V> Map<String, V> byName(Map<ClusterId, V> in) {
    Map<String, V> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k.value(), v));
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

}
