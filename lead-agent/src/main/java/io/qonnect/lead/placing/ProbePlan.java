package io.qonnect.lead.placing;

import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.snapshot.LatencyMatrix;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which member clusters each agent times round trips to: the latency matrix the leader places with. Pure.
 *
 * <p>Up to {@value #FULL_MESH_MAX} member clusters with agents, every agent probes every other: the matrix is complete.
 * Beyond, probing all N² pairs costs every agent N channels and the knowledge base N² samples, so each agent probes
 * <ul>
 *   <li>the <b>landmarks</b>: {@value #LANDMARKS_PER_GROUP} clusters of every (tier, region) group, the same for
 *       everyone, and</li>
 *   <li>up to {@value #NEAR} other clusters of its own region, its nearest by declaration.</li>
 * </ul>
 * So every agent is still probed by others (the leader tells an agent cut off from the lead agents from one that is gone
 * by its peers' probes): a landmark by all; any other by the agents of its region that pick it, each picking
 * {@value #NEAR} of them (in a region of 50, the chance that none picks a given one is about 4 in 10⁹).
 * A pair nobody measured is estimated through the landmarks ({@link LatencyMatrix}): min over landmarks L of
 * rtt(a, L) + rtt(L, b), which by the triangle inequality is never less than the real round trip, so a hard latency
 * limit is never met on an estimate that the real path would break (it may refuse a pair that would have fit).
 *
 * <p>Choices are by rendezvous hashing of the names, not by order or size: the same registry gives the same plan on
 * every lead agent, and a cluster joining or leaving moves few other clusters' targets.
 */
public final class ProbePlan {
  /** Every agent probes every other up to this many member clusters (the testbed's federations are all below it). */
  public static final int FULL_MESH_MAX = 64;
  static final int LANDMARKS_PER_GROUP = 2;
  static final int NEAR = 16;

  private final List<ClusterRecord> probing;
  private final boolean fullMesh;
  private final Set<String> landmarks;
  private final Map<String, List<ClusterRecord>> byRegion = new HashMap<>();

  private ProbePlan(List<ClusterRecord> probing) {
    this.probing = probing;
    this.fullMesh = probing.size() <= FULL_MESH_MAX;
    Map<String, List<ClusterRecord>> groups = new TreeMap<>();
    for (ClusterRecord c : probing) {
      groups.computeIfAbsent(c.tier() + "/" + c.region(), k -> new ArrayList<>()).add(c);
      byRegion.computeIfAbsent(c.region(), k -> new ArrayList<>()).add(c);
    }
    Set<String> chosen = new TreeSet<>();
    if (!fullMesh) {
      groups.forEach((group, members) -> members.stream().sorted(byScore(group)).limit(LANDMARKS_PER_GROUP).forEach(c -> chosen.add(c.id().value())));
    }
    this.landmarks = Set.copyOf(chosen);
  }

  /** The plan for a registry: only clusters whose agents serve a probe take part. */
  public static ProbePlan of(java.util.Collection<ClusterRecord> registry) {
    return new ProbePlan(registry.stream().filter(c -> !c.agentAddress().isEmpty()).toList());
  }

  /** The clusters {@code cluster}'s agent probes, sorted by name. */
  public List<ClusterRecord> targets(ClusterId cluster) {
    String self = cluster.value();
    if (fullMesh) return probing.stream().filter(c -> !c.id().value().equals(self)).sorted(Comparator.comparing(c -> c.id().value())).toList();
    Map<String, ClusterRecord> out = new TreeMap<>();
    for (ClusterRecord c : probing) {
      if (landmarks.contains(c.id().value()) && !c.id().value().equals(self)) out.put(c.id().value(), c);
    }
    String region = probing.stream().filter(c -> c.id().value().equals(self)).map(ClusterRecord::region).findFirst().orElse(null);
    if (region != null) {
      byRegion.get(region).stream().filter(c -> !c.id().value().equals(self)).sorted(byScore(self)).limit(NEAR).forEach(c -> out.put(c.id().value(), c));
    }
    return List.copyOf(out.values());
  }

  /** The clusters every agent probes (empty for a full mesh: nothing needs estimating). */
  public Set<String> landmarks() {
    return landmarks;
  }

  private static Comparator<ClusterRecord> byScore(String seed) {
    return Comparator.comparingLong((ClusterRecord c) -> score(seed, c.id().value())).thenComparing(c -> c.id().value());
  }

  /** FNV-1a 64 of "seed|name", then a final mix: stable across processes and versions (unlike String.hashCode's spread). */
  static long score(String seed, String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (seed + "|" + name).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }
}
