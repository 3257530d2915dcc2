package io.qonnect.placement.solve;

import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks a complete assignment against every hard constraint and lists what it breaks. The solver's
 * final guard, the property tests' oracle, and the yardstick for baselines that do not check.
 */
public final class Feasibility {
  private Feasibility() {}

  public static List<String> violations(QosSpec spec, ClusterSnapshot snapshot, Map<String, SortedMap<ClusterId, Integer>> assignment) {
    List<String> out = new ArrayList<>();
    Map<ClusterId, MemberCluster> clusters = snapshot.byId();
    SortedMap<ClusterId, Resources> demand = new TreeMap<>();
    for (ComponentSpec c : spec.components()) {
      SortedMap<ClusterId, Integer> at = assignment.getOrDefault(c.name(), new TreeMap<>());
      int replicas = at.values().stream().mapToInt(Integer::intValue).sum();
      if (replicas != c.replicas()) out.add(c.name() + ": " + replicas + " replicas placed, " + c.replicas() + " wanted");
      if (c.singleton() && at.size() > 1) out.add(c.name() + ": singleton placed in " + at.size() + " clusters");
      int spread = spec.spreadOf(c);
      if (at.size() < spread) out.add(c.name() + ": spans " + at.size() + " clusters, failover.minClusters needs " + spread);
      for (var e : at.entrySet()) {
        MemberCluster x = clusters.get(e.getKey());
        if (x == null) {
          out.add(c.name() + ": " + e.getKey() + " is not an eligible member cluster (failed, removed or unknown)");
          continue;
        }
        if (e.getValue() <= 0) out.add(c.name() + ": " + e.getValue() + " replicas on " + x.id());
        if (!c.allowsTier(x.tier())) out.add(c.name() + ": tier " + x.tier().yamlName() + " of " + x.id() + " not allowed");
        if (!spec.constraints().regions().isEmpty() && !spec.constraints().regions().contains(x.region())) {
          out.add(c.name() + ": region " + x.region() + " of " + x.id() + " not allowed");
        }
        if (!c.resources().fitsIn(x.node())) out.add(c.name() + ": replica larger than a node of " + x.id());
        demand.merge(x.id(), c.resources().times(Math.max(0, e.getValue())), Resources::plus);
      }
    }
    demand.forEach((id, need) -> {
      MemberCluster x = clusters.get(id);
      if (x != null && !need.fitsIn(x.free())) out.add(id + ": over-committed, " + need + " requested, " + x.free() + " free");
    });
    spec.constraints().maxLatencyMs().ifPresent(limit -> out.addAll(latencyViolations(spec, snapshot, assignment, limit)));
    return out;
  }

  private static List<String> latencyViolations(QosSpec spec, ClusterSnapshot snapshot, Map<String, SortedMap<ClusterId, Integer>> assignment, int limit) {
    List<String> out = new ArrayList<>();
    for (ComponentSpec a : spec.components()) {
      for (ClusterId from : assignment.getOrDefault(a.name(), new TreeMap<>()).keySet()) {
        for (String b : a.talksTo()) {
          boolean reached = assignment.getOrDefault(b, new TreeMap<>()).keySet().stream()
              .anyMatch(to -> within(snapshot.latency().between(from, to), limit));
          if (!reached) out.add(a.name() + "@" + from + " → " + b + ": no " + b + " within " + limit + " ms");
        }
      }
    }
    for (ComponentSpec entry : spec.entryComponents()) {
      var at = assignment.getOrDefault(entry.name(), new TreeMap<>()).keySet();
      for (String region : spec.constraints().userRegions()) {
        if (at.stream().noneMatch(x -> within(snapshot.latency().fromUsers(region, x), limit))) {
          out.add("users in " + region + " → " + entry.name() + ": nothing within " + limit + " ms");
        }
      }
    }
    return out;
  }

  static boolean within(OptionalDouble ms, int limit) {
    return ms.isPresent() && ms.getAsDouble() <= limit;
  }
}
