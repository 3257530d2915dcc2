package io.qonnect.lead.state;

import java.util.Arrays;

/**
 * What kind of change an event records. Code decides on this; {@link #displayName} is what people read (and what
 * snapshots store, so snapshots of any version read back). The order is the proto's {@code EventKind} numbering.
 */
public enum EventKind {
  UNSPECIFIED("Unspecified"),
  APPLICATION_CREATED("ApplicationCreated"),
  APPLICATION_CONFIGURED("ApplicationConfigured"),
  APPLICATION_DELETED("ApplicationDeleted"),
  PLACEMENT_COMMITTED("PlacementCommitted"),
  UNSCHEDULABLE("Unschedulable"),
  MIGRATION_COMPLETED("MigrationCompleted"),
  MIGRATION_STALLED("MigrationStalled"),
  CLUSTER_REGISTERED("ClusterRegistered"),
  CLUSTER_UPDATED("ClusterUpdated"),
  CLUSTER_HEALTHY("ClusterHealthy"),
  CLUSTER_SUSPECT("ClusterSuspect"),
  CLUSTER_FAILED("ClusterFailed"),
  FEATURE_LEVEL_RAISED("FeatureLevelRaised");

  private final String displayName;

  EventKind(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }

  /** The kind a stored display name stands for; one this version does not know reads as UNSPECIFIED. */
  public static EventKind fromDisplayName(String name) {
    return Arrays.stream(values()).filter(k -> k.displayName.equals(name)).findFirst().orElse(UNSPECIFIED);
  }
}
