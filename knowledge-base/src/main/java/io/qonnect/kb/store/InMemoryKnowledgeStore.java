package io.qonnect.kb.store;

import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.ObservedEvent;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** A {@link KnowledgeStore} in memory: for tests and for a throwaway knowledge base. */
public final class InMemoryKnowledgeStore implements KnowledgeStore {
  private final SortedMap<String, ClusterReport> clusters = new TreeMap<>();
  private final SortedMap<String, LatencyReport> latency = new TreeMap<>();
  private final SortedMap<String, ReadinessReport> readiness = new TreeMap<>();
  private final List<ObservedEvent> events = new ArrayList<>();

  @Override
  public synchronized void putClusterReport(ClusterReport report) {
    ClusterReport old = clusters.get(report.getCluster());
    if (old == null || old.getObservedUnixMillis() <= report.getObservedUnixMillis()) clusters.put(report.getCluster(), report);
  }

  @Override
  public synchronized void putLatencyReport(LatencyReport report) {
    LatencyReport old = latency.get(report.getFromCluster());
    if (old == null || old.getObservedUnixMillis() <= report.getObservedUnixMillis()) latency.put(report.getFromCluster(), report);
  }

  @Override
  public synchronized void putReadinessReport(ReadinessReport report) {
    ReadinessReport old = readiness.get(report.getCluster());
    if (old == null || old.getObservedUnixMillis() <= report.getObservedUnixMillis()) readiness.put(report.getCluster(), ReadinessOrder.sorted(report));
  }

  @Override
  public synchronized void appendEvent(ObservedEvent event) {
    int at = events.size();
    while (at > 0 && events.get(at - 1).getTimeUnixMillis() > event.getTimeUnixMillis()) at--;
    events.add(at, event);
  }

  @Override
  public synchronized List<ClusterReport> clusterReports() {
    return List.copyOf(clusters.values());
  }

  @Override
  public synchronized List<LatencyReport> latencyReports() {
    return List.copyOf(latency.values());
  }

  @Override
  public synchronized List<ReadinessReport> readinessReports() {
    return List.copyOf(readiness.values());
  }

  @Override
  public synchronized List<ObservedEvent> history(String subject, long fromMillis, long toMillis, int limit) {
    return events.stream()
        .filter(e -> e.getTimeUnixMillis() >= fromMillis && e.getTimeUnixMillis() < toMillis)
        .filter(e -> subject.isEmpty() || e.getSubject().equals(subject))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized int pruneHistory(long beforeMillis, int limit) {
    int old = 0;
    while (old < Math.min(limit, events.size()) && events.get(old).getTimeUnixMillis() < beforeMillis) old++;
    events.subList(0, old).clear();
    return old;
  }

  @Override
  public void close() {}
}
