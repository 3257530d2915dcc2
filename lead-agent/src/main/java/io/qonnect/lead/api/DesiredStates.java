package io.qonnect.lead.api;

import io.qonnect.lead.state.ApplicationRecord;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.Parsed;
import io.qonnect.placement.spec.QosSpec;
import io.qonnect.placement.spec.QosSpecParser;
import io.qonnect.proto.v1.ClusterReplicas;
import io.qonnect.proto.v1.DesiredApplication;
import io.qonnect.proto.v1.DesiredState;
import io.qonnect.proto.v1.RemoteEndpoint;
import java.util.List;
import java.util.SortedMap;

/**
 * What one member cluster should run, from the committed placements. Pure. Complete rather than a delta, so
 * the agent reconciles level-based and a reconnect needs no history. A component placed here whose talksTo
 * peer runs only elsewhere gets a remote endpoint: the peer in the first cluster (by name) that runs it.
 */
public final class DesiredStates {
  /** The DNS name under which a component of an application in a member cluster is reachable from the others. */
  public static String remoteAddress(String component, String application, ClusterId cluster) {
    return component + "." + application + "." + cluster.value() + ".qonnect.internal";
  }

  private DesiredStates() {}

  public static DesiredState forCluster(ClusterId cluster, List<ApplicationRecord> applications, long revision, QosSpecParser parser) {
    DesiredState.Builder b = DesiredState.newBuilder().setCluster(cluster.value()).setRevision(revision);
    for (ApplicationRecord app : applications) {
      if (app.placement() == null) continue;
      DesiredApplication.Builder d = DesiredApplication.newBuilder().setApplication(app.name()).setPlacementEpoch(app.placementEpoch())
          .setSpecYaml(app.specYaml());
      app.placement().components().forEach((component, clusters) -> {
        Integer replicas = clusters.get(cluster);
        if (replicas != null && replicas > 0) d.addHere(ClusterReplicas.newBuilder().setCluster(component).setReplicas(replicas));
      });
      if (d.getHereCount() == 0) continue;
      if (parser.parse(app.specYaml()) instanceof Parsed.Valid<QosSpec> valid) {
        for (ClusterReplicas here : d.getHereList()) {
          ComponentSpec c = valid.value().component(here.getCluster()).orElseThrow();
          for (String peer : c.talksTo()) {
            SortedMap<ClusterId, Integer> peerClusters = app.placement().of(peer);
            if (peerClusters.isEmpty() || peerClusters.containsKey(cluster)) continue;
            if (d.getRemotesList().stream().anyMatch(r -> r.getComponent().equals(peer))) continue;
            ClusterId where = peerClusters.firstKey();
            d.addRemotes(RemoteEndpoint.newBuilder().setComponent(peer).setCluster(where.value()).setAddress(remoteAddress(peer, app.name(), where)));
          }
        }
      }
      b.addApplications(d);
    }
    return b.build();
  }
}
