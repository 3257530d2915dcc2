package io.qonnect.kb.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.qonnect.proto.v1.ClusterReport;
import io.qonnect.proto.v1.LatencyReport;
import io.qonnect.proto.v1.ObservedEvent;
import io.qonnect.proto.v1.ReadinessReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.ToLongFunction;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** A {@link KnowledgeStore} on RocksDB; the key layout is in {@link Keys}. Writes are synced to the WAL. */
public final class RocksDbKnowledgeStore implements KnowledgeStore {
  static {
    RocksDB.loadLibrary();
  }

  private final ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
  private final DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
  private final WriteOptions writeOptions = new WriteOptions().setSync(true);
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final RocksDB db;
  private final ColumnFamilyHandle clusters;
  private final ColumnFamilyHandle latency;
  private final ColumnFamilyHandle readiness;
  private final ColumnFamilyHandle events;
  private final ColumnFamilyHandle eventsBySubject;
  private final ColumnFamilyHandle meta;
  private long nextEventSeq;
  /**
   * The latest reports as stored, parsed, by cluster: snapshots (several a second from the leader) read these instead of
   * scanning and parsing every report again; written through, after the store.
   */
  private final NavigableMap<String, ClusterReport> latestClusters = new ConcurrentSkipListMap<>();
  private final NavigableMap<String, LatencyReport> latestLatency = new ConcurrentSkipListMap<>();
  private final NavigableMap<String, ReadinessReport> latestReadiness = new ConcurrentSkipListMap<>();

  public RocksDbKnowledgeStore(Path dir) {
    List<String> names = List.of(Keys.CLUSTERS, Keys.LATENCY, Keys.READINESS, Keys.EVENTS, Keys.EVENTS_BY_SUBJECT, Keys.META);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    names.forEach(n -> descriptors.add(new ColumnFamilyDescriptor(Keys.utf8(n), cfOptions)));
    try {
      Files.createDirectories(dir);
      db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      clusters = handles.get(1);
      latency = handles.get(2);
      readiness = handles.get(3);
      events = handles.get(4);
      eventsBySubject = handles.get(5);
      meta = handles.get(6);
      byte[] seq = db.get(meta, Keys.EVENT_SEQ);
      nextEventSeq = seq == null ? 0 : Keys.longOf(seq);
      scanAll(clusters, ClusterReport.parser()).forEach(r -> latestClusters.put(r.getCluster(), r));
      scanAll(latency, LatencyReport.parser()).forEach(r -> latestLatency.put(r.getFromCluster(), r));
      scanAll(readiness, ReadinessReport.parser()).forEach(r -> latestReadiness.put(r.getCluster(), r));
    } catch (RocksDBException e) {
      closeOptions();
      throw new IllegalStateException("cannot open the knowledge base store in " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      closeOptions();
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void putClusterReport(ClusterReport report) {
    putIfNewer(clusters, latestClusters, report.getCluster(), report, ClusterReport::getObservedUnixMillis);
  }

  @Override
  public synchronized void putLatencyReport(LatencyReport report) {
    putIfNewer(latency, latestLatency, report.getFromCluster(), report, LatencyReport::getObservedUnixMillis);
  }

  @Override
  public synchronized void putReadinessReport(ReadinessReport report) {
    putIfNewer(readiness, latestReadiness, report.getCluster(), ReadinessOrder.sorted(report), ReadinessReport::getObservedUnixMillis);
  }

  @Override
  public synchronized void appendEvent(ObservedEvent event) {
    long seq = nextEventSeq;
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(events, Keys.event(event.getTimeUnixMillis(), seq), event.toByteArray());
      batch.put(eventsBySubject, Keys.subjectEvent(event.getSubject(), event.getTimeUnixMillis(), seq), new byte[0]);
      batch.put(meta, Keys.EVENT_SEQ, Keys.bytesOf(seq + 1));
      db.write(writeOptions, batch);
      nextEventSeq = seq + 1;
    } catch (RocksDBException e) {
      throw failure("append event", e);
    }
  }

  @Override
  public List<ClusterReport> clusterReports() {
    return List.copyOf(latestClusters.values());
  }

  @Override
  public List<LatencyReport> latencyReports() {
    return List.copyOf(latestLatency.values());
  }

  @Override
  public List<ReadinessReport> readinessReports() {
    return List.copyOf(latestReadiness.values());
  }

  @Override
  public List<ObservedEvent> history(String subject, long fromMillis, long toMillis, int limit) {
    List<ObservedEvent> out = new ArrayList<>();
    boolean all = subject.isEmpty();
    byte[] start = all ? Keys.event(fromMillis, 0) : Keys.subjectEvent(subject, fromMillis, 0);
    byte[] end = all ? Keys.event(toMillis, 0) : Keys.subjectEvent(subject, toMillis, 0);
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(all ? events : eventsBySubject, ro)) {
      for (it.seek(start); it.isValid() && out.size() < limit && Arrays.compareUnsigned(it.key(), end) < 0; it.next()) {
        byte[] value = all ? it.value() : db.get(events, Keys.eventOfSubjectKey(it.key()));
        if (value != null) out.add(parse(ObservedEvent.parser(), value));
      }
    } catch (RocksDBException e) {
      throw failure("read history", e);
    }
    return out;
  }

  @Override
  public synchronized int pruneHistory(long beforeMillis, int limit) {
    byte[] end = Keys.event(beforeMillis, 0);
    int removed = 0;
    try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(events)) {
      for (it.seekToFirst(); it.isValid() && removed < limit && Arrays.compareUnsigned(it.key(), end) < 0; it.next()) {
        ObservedEvent event = parse(ObservedEvent.parser(), it.value());
        long seq = Keys.longOf(Arrays.copyOfRange(it.key(), 8, 16));
        batch.delete(events, it.key());
        batch.delete(eventsBySubject, Keys.subjectEvent(event.getSubject(), event.getTimeUnixMillis(), seq));
        removed++;
      }
      if (removed > 0) db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw failure("prune history", e);
    }
    return removed;
  }

  /** Entries of the subject index, counted (tests: pruning must leave none behind). */
  long subjectIndexEntries() {
    long n = 0;
    try (RocksIterator it = db.newIterator(eventsBySubject)) {
      for (it.seekToFirst(); it.isValid(); it.next()) n++;
    }
    return n;
  }

  /** Stores {@code report} under {@code key} unless the one held is newer; callers hold the lock. */
  private <T extends MessageLite> void putIfNewer(ColumnFamilyHandle cf, Map<String, T> latest, String key, T report, ToLongFunction<T> observedAt) {
    try {
      T old = latest.get(key);
      if (old != null && observedAt.applyAsLong(old) > observedAt.applyAsLong(report)) return;
      db.put(cf, writeOptions, Keys.utf8(key), report.toByteArray());
      latest.put(key, report);
    } catch (RocksDBException e) {
      throw failure("store a report of " + key, e);
    }
  }

  private <T> List<T> scanAll(ColumnFamilyHandle cf, Parser<T> parser) {
    List<T> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(cf)) {
      for (it.seekToFirst(); it.isValid(); it.next()) out.add(parse(parser, it.value()));
    }
    return out;
  }

  private static <T> T parse(Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt record in the knowledge base store", e);
    }
  }

  private static IllegalStateException failure(String what, RocksDBException e) {
    return new IllegalStateException("knowledge base store: cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    for (int i = handles.size() - 1; i >= 0; i--) handles.get(i).close();
    db.close();
    closeOptions();
  }

  private void closeOptions() {
    writeOptions.close();
    dbOptions.close();
    cfOptions.close();
  }
}
