package io.qonnect.placement.filter;

import java.util.Optional;

/** A replica runs in one pod on one node: it must fit a node of the cluster, however much is free in all. */
public final class NodeFitFilter implements ClusterFilter {
  @Override
  public Optional<Refusal> reject(FilterRequest r) {
    var need = r.component().resources();
    var node = r.cluster().node();
    if (need.fitsIn(node)) return Optional.empty();
    return Optional.of(new Refusal(Refusal.Reason.NODE_FIT, "one replica (" + need + ") is larger than a node (" + node + ")"));
  }
}
