package io.qonnect.placement.filter;

import io.qonnect.placement.snapshot.LatencyMatrix;
import io.qonnect.placement.snapshot.MemberCluster;
import io.qonnect.placement.spec.ComponentSpec;
import io.qonnect.placement.spec.QosSpec;

/** Everything a filter may look at: one request record, so the filter interface never has to grow. */
public record FilterRequest(QosSpec spec, ComponentSpec component, MemberCluster cluster, LatencyMatrix latency) {}
