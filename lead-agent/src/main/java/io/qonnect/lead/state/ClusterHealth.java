package io.qonnect.lead.state;

/** The leader's verdict on a member cluster. Only Healthy clusters receive new placements. */
public enum ClusterHealth {
  HEALTHY,
  SUSPECT,
  FAILED
}
