package io.qonnect.kb.store;

import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.ObservedEvent;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.List;

/**
 * The knowledge base's observations: the latest report per member cluster (nodes, capacity, prices, power),
 * the latest latency samples per reporting cluster, the latest readiness per cluster, and an append-only
 * event history.
 *
 * <p>Observations are last-write-wins by observation time: a report older than the one stored is ignored,
 * so a delayed retry never overwrites fresher data. Reads return values sorted by key, so equal contents give
 * equal answers. Implementations are thread-safe; every put is atomic (a reader sees all of a report or
 * none of it). Decisions (specs, placements, health verdicts) never live here: the lead agents own them.
 */
public interface KnowledgeStore extends AutoCloseable {
  /** Stores the report unless a newer one for the same cluster is already stored. */
  void putClusterReport(ClusterReport report);

  /** Stores the samples measured from one cluster, unless newer ones from it are stored. */
  void putLatencyReport(LatencyReport report);

  /** Replaces the readiness of every component on the report's cluster, unless a newer report is stored. */
  void putReadinessReport(ReadinessReport report);

  /** Appends to the history; events with equal times keep their arrival order. */
  void appendEvent(ObservedEvent event);

  /** The latest report of every member cluster, sorted by cluster. */
  List<ClusterReport> clusterReports();

  /** The latest latency samples of every reporting cluster, sorted by cluster. */
  List<LatencyReport> latencyReports();

  /** The latest readiness of every cluster, sorted by cluster. */
  List<ReadinessReport> readinessReports();

  /**
   * Events with {@code fromMillis <= time < toMillis}, oldest first, at most {@code limit}; an empty subject
   * means every subject.
   */
  List<ObservedEvent> history(String subject, long fromMillis, long toMillis, int limit);

  /**
   * Removes up to {@code limit} of the oldest events with {@code time < beforeMillis} (retention), from the history
   * and its subject index alike; returns how many it removed (fewer than {@code limit}: none older is left).
   */
  int pruneHistory(long beforeMillis, int limit);

  @Override
  void close();
}
