/**
 * The leader-only placement controller: observations in, {@code CommitPlacement} proposals out. The decision
 * itself ({@link io.qonnect.lead.placing.PlacementRound}, {@link io.qonnect.lead.placing.SnapshotBuilder}) is pure.
 */
package io.qonnect.lead.placing;
