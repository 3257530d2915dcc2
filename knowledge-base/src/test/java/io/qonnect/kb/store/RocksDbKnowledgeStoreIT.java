package io.qonnect.kb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.proto.v1.ObservedEvent;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on real RocksDB, plus durability across a reopen. */
class RocksDbKnowledgeStoreIT extends KnowledgeStoreContract {
  @TempDir Path dir;

  @Override
  protected KnowledgeStore open() {
    return new RocksDbKnowledgeStore(dir.resolve("kb"));
  }

  @Test
  void everythingSurvivesAReopenAndEventSequenceNumbersContinue() {
    store.putClusterReport(cluster("cloud-1", 2, 0.02));
    store.putReadinessReport(readiness("cloud-1", 1, "shop", "web"));
    store.appendEvent(event(5, "cloud-1", "before"));
    store.close();

    store = open();
    store.appendEvent(event(5, "cloud-1", "after")); // same time: a reused sequence number would overwrite "before"
    store.putClusterReport(cluster("cloud-1", 1, 0.05)); // older than the one stored before the reopen: not taken
    assertThat(store.clusterReports()).containsExactly(cluster("cloud-1", 2, 0.02));
    assertThat(store.readinessReports()).hasSize(1);
    assertThat(store.history("cloud-1", 0, 10, 10)).extracting(ObservedEvent::getMessage).containsExactly("before", "after");
  }

  @Test
  void pruningLeavesNoSubjectIndexEntryBehind() {
    store.appendEvent(event(10, "fog-1", "a"));
    store.appendEvent(event(20, "edge-1", "b"));
    store.appendEvent(event(30, "fog-1", "c"));
    store.pruneHistory(25, 100);
    // history() skips an index entry whose event is gone, so a leak is seen only in the index itself
    assertThat(((RocksDbKnowledgeStore) store).subjectIndexEntries()).isEqualTo(1);
  }
}
