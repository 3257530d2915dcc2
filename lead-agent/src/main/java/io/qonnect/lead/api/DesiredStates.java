package io.qonnect.lead.api;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.lead.state.ClusterRecord;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.PeerAgent;
import io.qonnect.proto.v1.RemoteEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one member cluster should run, from the committed placements. Deterministic; caches parsed specs by
 * application and spec revision. Complete rather than a delta, so the agent reconciles level-based and a
 * reconnect needs no history.
 *
 * <p>Make-before-break: while an application migrates, a cluster keeps the previous placement's replicas
 * of each component (the larger of old and new count) until the lead agents commit that the new placement
 * runs Ready; singletons excepted, which the lease hands over instead. A component placed here whose
 * talksTo peer runs only elsewhere gets a remote endpoint: the peer in the first cluster (by name) that runs it.
 */
public final class DesiredStates {
  /** A desired state and the singletons it asks this cluster to run (each needs a lease first). */
  public record ForCluster(DesiredState state, List<Singleton> singletons) {}

  public record Singleton(String application, String component) {}

  private record CachedSpec(long revision, QosSpec spec) {}

  private final QosSpecParser parser = new QosSpecParser();
  private final Map<String, CachedSpec> specs = new ConcurrentHashMap<>();

  /** The DNS name under which a component of an application in a member cluster is reachable from the others. */
  public static String remoteAddress(String component, String application, ClusterId cluster) {
    return component + "." + application + "." + cluster.value() + ".qonnect.internal";
  }

  public ForCluster forCluster(ClusterId cluster, List<ApplicationRecord> applications, List<ClusterRecord> registry, long revision) {
    DesiredState.Builder b = DesiredState.newBuilder().setCluster(cluster.value()).setRevision(revision);
    for (ClusterRecord peer : registry) {
      if (!peer.id().equals(cluster) && !peer.agentAddress().isEmpty()) {
        b.addPeers(PeerAgent.newBuilder().setCluster(peer.id().value()).setAddress(peer.agentAddress()));
      }
    }
    List<Singleton> singletons = new ArrayList<>();
    for (ApplicationRecord app : applications) {
      QosSpec spec = spec(app);
      if (app.placement() == null || spec == null) continue;
      DesiredApplication.Builder d = DesiredApplication.newBuilder().setApplication(app.name()).setPlacementEpoch(app.placementEpoch())
          .setSpecYaml(app.specYaml());
      for (ComponentSpec c : spec.components()) {
        int replicas = replicasHere(app, c, cluster);
        if (replicas == 0) continue;
        d.addHere(ClusterReplicas.newBuilder().setCluster(c.name()).setReplicas(replicas));
        if (c.singleton()) singletons.add(new Singleton(app.name(), c.name()));
        for (String peer : c.talksTo()) {
          SortedMap<ClusterId, Integer> peerClusters = app.placement().of(peer);
          if (peerClusters.isEmpty() || peerClusters.containsKey(cluster)) continue;
          if (d.getRemotesList().stream().anyMatch(r -> r.getComponent().equals(peer))) continue;
          ClusterId where = peerClusters.firstKey();
          d.addRemotes(RemoteEndpoint.newBuilder().setComponent(peer).setCluster(where.value()).setAddress(remoteAddress(peer, app.name(), where)));
        }
      }
      if (d.getHereCount() > 0) b.addApplications(d);
    }
    return new ForCluster(b.build(), singletons);
  }

  private static int replicasHere(ApplicationRecord app, ComponentSpec c, ClusterId cluster) {
    int now = app.placement().of(c.name()).getOrDefault(cluster, 0);
    Placement previous = app.previousPlacement();
    if (previous == null || c.singleton()) return now;
    return Math.max(now, previous.of(c.name()).getOrDefault(cluster, 0));
  }

  private QosSpec spec(ApplicationRecord app) {
    CachedSpec cached = specs.get(app.name());
    if (cached != null && cached.revision() == app.specRevision()) return cached.spec();
    if (!(parser.parse(app.specYaml()) instanceof Parsed.Valid<QosSpec> valid)) return null;
    specs.put(app.name(), new CachedSpec(app.specRevision(), valid.value()));
    return valid.value();
  }
}
