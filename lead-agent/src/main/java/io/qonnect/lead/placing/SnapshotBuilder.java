package io.qonnect.lead.placing;

import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.snapshot.ClusterSnapshot;
import io.qonnect.placement.snapshot.LatencyMatrix;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.snapshot.PowerProfile;
import io.qonnect.placement.snapshot.Prices;
import io.qonnect.placement.spec.Resources;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.LatencySample;
import io.qonnect.proto.v1.NodeObservation;
import io.qonnect.proto.v1.ObservationSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the placement engine's {@link ClusterSnapshot} from the knowledge base's observations and the
 * replicated registry. Pure. The registry decides which member clusters exist (a Failed one does not, for
 * placement) and which may take new replicas (Healthy only); observations say what they offer. A registered cluster without observations, or
 * without a Ready node, is left out: nothing is known about what it could hold.
 *
 * <p>Free capacity here = allocatable of Ready nodes − what workloads qonnect does not manage request (as
 * agents report it). The controller then reserves the demand of qonnect's own committed placements from Raft
 * state, so two applications are never promised the same cores even before an agent has applied anything.
 */
public final class SnapshotBuilder {
  private static final String USER_PREFIX = "user:";

  private SnapshotBuilder() {}

  public static ClusterSnapshot build(ObservationSnapshot observations, Collection<ClusterRecord> registry) {
    return build(observations, registry, latency(observations.getLatencyList(), ProbePlan.of(registry).landmarks()));
  }

  /**
   * Builds as {@link SnapshotBuilder#build(ObservationSnapshot, Collection)}, reusing the latency matrix of the time
   * before while the observations are the same snapshot (the same object: the knowledge base's snapshot is read at most
   * once a second, placement rounds run five times as often) and the landmarks the same. At 1,000 member clusters
   * building the matrix (134,000 round trips into sorted maps, then the dense matrix) was about a third of the leader's
   * CPU at steady state. While the registry is the same too, the snapshot itself is kept (the same object, which the
   * controller's comparison with the round before then answers at once). For one thread (the matrix memoizes its
   * estimates).
   */
  public static final class Memo {
    private ObservationSnapshot observations;
    private java.util.Set<String> landmarks;
    private LatencyMatrix latency;
    private List<ClusterRecord> registry;
    private ClusterSnapshot built;

    public ClusterSnapshot build(ObservationSnapshot now, Collection<ClusterRecord> nowRegistry) {
      // the same observations and the same registry: the same snapshot, the same object (four rounds in five: building
      // 1,000 clusters and the probe plan, then comparing the result with the round before's, cost every round)
      if (now == observations && built != null && registry.equals(List.copyOf(nowRegistry))) return built;
      java.util.Set<String> nowLandmarks = ProbePlan.of(nowRegistry).landmarks();
      if (now != observations || !nowLandmarks.equals(landmarks)) {
        latency = latency(now.getLatencyList(), nowLandmarks);
        observations = now;
        landmarks = nowLandmarks;
      }
      registry = List.copyOf(nowRegistry);
      built = SnapshotBuilder.build(now, registry, latency);
      return built;
    }
  }

  private static ClusterSnapshot build(ObservationSnapshot observations, Collection<ClusterRecord> registry, LatencyMatrix latency) {
    Map<String, ClusterReport> reports = new TreeMap<>();
    observations.getClustersList().forEach(r -> reports.put(r.getCluster(), r));
    List<MemberCluster> clusters = new ArrayList<>();
    for (ClusterRecord member : registry) {
      ClusterReport report = reports.get(member.id().value());
      if (report == null || member.health() == ClusterHealth.FAILED) continue;
      MemberCluster mc = memberCluster(member, report);
      if (mc != null) clusters.add(mc);
    }
    return new ClusterSnapshot(clusters, latency);
  }

  private static MemberCluster memberCluster(ClusterRecord member, ClusterReport report) {
    List<NodeObservation> ready = report.getNodesList().stream().filter(NodeObservation::getReady).toList();
    if (ready.isEmpty()) return null;
    Resources allocatable = Resources.ZERO;
    Resources requested = Resources.ZERO;
    Resources largest = Resources.ZERO;
    double idle = 0;
    double max = 0;
    for (NodeObservation n : ready) {
      Resources a = new Resources(n.getAllocatable().getCpuMillis(), n.getAllocatable().getMemoryBytes());
      allocatable = allocatable.plus(a);
      requested = requested.plus(new Resources(n.getRequested().getCpuMillis(), n.getRequested().getMemoryBytes()));
      if (a.cpuMillis() > largest.cpuMillis() || (a.cpuMillis() == largest.cpuMillis() && a.memoryBytes() > largest.memoryBytes())) largest = a;
      idle += n.getIdleWatts();
      max += n.getMaxWatts();
    }
    long meanNodeCpu = Math.max(1, allocatable.cpuMillis() / ready.size());
    double meanIdle = idle / ready.size();
    PowerProfile power = new PowerProfile(meanIdle, Math.max(meanIdle, max / ready.size()), meanNodeCpu);
    Resources free = allocatable.minusClamped(requested);
    return new MemberCluster(member.id(), member.tier(), member.region(), allocatable, free, largest, ready.size(), power,
        new Prices(report.getPricePerCoreHour(), report.getPricePerGibHour()), report.getBandwidthMbps(), report.getStorageBytes(),
        member.health() == ClusterHealth.HEALTHY);
  }

  private static LatencyMatrix latency(List<LatencyReport> reports, Collection<String> landmarks) {
    Map<String, Map<String, Double>> clusterRtt = new TreeMap<>();
    Map<String, Map<String, Double>> userRtt = new TreeMap<>();
    for (LatencyReport r : reports) {
      for (LatencySample s : r.getSamplesList()) {
        if (s.getTo().startsWith(USER_PREFIX)) {
          userRtt.computeIfAbsent(s.getTo().substring(USER_PREFIX.length()), k -> new TreeMap<>()).put(r.getFromCluster(), s.getRttMs());
        } else {
          clusterRtt.computeIfAbsent(r.getFromCluster(), k -> new TreeMap<>()).put(s.getTo(), s.getRttMs());
        }
      }
    }
    return new LatencyMatrix(clusterRtt, userRtt, landmarks);
  }
}
