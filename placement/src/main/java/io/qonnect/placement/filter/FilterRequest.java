package io.qonnect.placement.filter;

import io.qonnect.placement.snapshot.LatencyMatrix;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;

/**
 * Everything a filter may look at: one request record, so the filter interface never has to grow.
 *
 * @param entry whether no other component calls this one (it serves users)
 */
public record FilterRequest(QosSpec spec, ComponentSpec component, boolean entry, MemberCluster cluster, LatencyMatrix latency) {}
