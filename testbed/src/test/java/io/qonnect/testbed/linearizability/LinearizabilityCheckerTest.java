package io.qonnect.testbed.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.testbed.linearizability.Operation.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  static Operation put(int client, String key, String value, long invoke, long ret) {
    return new Operation(client, Kind.PUT, key, value, invoke, ret);
  }

  static Operation get(int client, String key, String value, long invoke, long ret) {
    return new Operation(client, Kind.GET, key, value, invoke, ret);
  }

  static Operation delete(int client, String key, long invoke, long ret) {
    return new Operation(client, Kind.DELETE, key, null, invoke, ret);
  }

  static boolean ok(Operation... ops) {
    return LinearizabilityChecker.check(List.of(ops)).linearizable();
  }

  @Test
  void sequentialHistoriesFollowTheRegister() {
    assertThat(ok(get(1, "shop", null, 0, 1), put(1, "shop", "a", 2, 3), get(2, "shop", "a", 4, 5), delete(1, "shop", 6, 7),
        get(2, "shop", null, 8, 9))).isTrue();
    assertThat(ok(put(1, "shop", "a", 0, 1), get(2, "shop", null, 2, 3))).as("a read after a write returned must see it").isFalse();
    assertThat(ok(put(1, "shop", "a", 0, 1), delete(1, "shop", 2, 3), get(2, "shop", "a", 4, 5))).as("a deleted application is gone").isFalse();
  }

  @Test
  void aReadConcurrentWithAWriteMaySeeEitherValue() {
    assertThat(ok(put(1, "shop", "a", 0, 1), put(1, "shop", "b", 2, 10), get(2, "shop", "a", 3, 4))).isTrue();
    assertThat(ok(put(1, "shop", "a", 0, 1), put(1, "shop", "b", 2, 10), get(2, "shop", "b", 3, 4))).isTrue();
    assertThat(ok(put(1, "shop", "a", 0, 1), put(1, "shop", "b", 2, 10), get(2, "shop", "b", 3, 4), get(3, "shop", "a", 5, 6)))
        .as("once a read saw the new value, a later read may not see the old one").isFalse();
  }

  @Test
  void aStaleReadAfterTwoWritesReturnedIsAnAnomalyNamedWithItsOperations() {
    List<Operation> history = List.of(put(1, "shop", "a", 0, 1), put(2, "shop", "b", 2, 3), get(3, "shop", "a", 4, 5),
        put(1, "other", "x", 0, 1), get(2, "other", "x", 2, 3));
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(history);
    assertThat(r.operations()).isEqualTo(5);
    assertThat(r.keys()).isEqualTo(2);
    assertThat(r.anomalies()).containsOnlyKeys("shop");
    assertThat(r.anomalies().get("shop")).as("up to the offending read").extracting(Operation::client).containsExactly(1, 2, 3);
  }

  @Test
  void anOperationWithAnUnknownOutcomeMayHaveHappenedLaterOrNever() {
    long pending = Operation.PENDING;
    assertThat(ok(put(1, "shop", "a", 0, 1), put(2, "shop", "b", 2, pending), get(3, "shop", "a", 10, 11))).as("never, so far").isTrue();
    assertThat(ok(put(1, "shop", "a", 0, 1), put(2, "shop", "b", 2, pending), get(3, "shop", "b", 10, 11))).as("it happened").isTrue();
    assertThat(ok(put(1, "shop", "a", 0, 1), put(2, "shop", "b", 2, pending), get(3, "shop", "b", 10, 11), get(3, "shop", "a", 12, 13)))
        .as("but not undone").isFalse();
  }

  /**
   * A history recorded from a deliberately broken read path: a store whose reads are answered by a replica that
   * applies the leader's writes late (a follower read without a read barrier). The same clients against reads from
   * the leader give a linearizable history; against the lagging replica, anomalies.
   */
  @Test
  void aLaggingReplicaAnsweringReadsIsCaughtAndTheLeaderIsNot() {
    assertThat(LinearizabilityChecker.check(simulate(0, 1)).linearizable()).isTrue();
    LinearizabilityChecker.Result broken = LinearizabilityChecker.check(simulate(40, 1));
    assertThat(broken.linearizable()).isFalse();
    assertThat(broken.operations()).isGreaterThan(1000);
  }

  /** Histories recorded from a real 3-peer group across a leader kill: with the read barrier, and with it removed on purpose. */
  @Test
  void recordedHistoriesOfTheRealReadPathAndOfABrokenOne() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of("src/test/resources/linearizability");
    LinearizabilityChecker.Result real = LinearizabilityChecker.check(HistoryFile.read(dir.resolve("leader-kill.tsv")));
    assertThat(real.operations()).isGreaterThan(500);
    assertThat(real.anomalies()).isEmpty();
    LinearizabilityChecker.Result broken = LinearizabilityChecker.check(HistoryFile.read(dir.resolve("no-read-barrier.tsv")));
    assertThat(broken.anomalies()).as("stale reads from a replica without the barrier").isNotEmpty();
    LinearizabilityChecker.Result ghost = LinearizabilityChecker.check(HistoryFile.read(dir.resolve("isolated-leader-ghost-write.tsv")));
    assertThat(ghost.anomalies()).as("an acknowledged write overwritten by an older one, retried after a partition").containsKeys("lin-2");
    LinearizabilityChecker.Result twice = LinearizabilityChecker.check(HistoryFile.read(dir.resolve("isolated-leader-write-twice.tsv")));
    assertThat(twice.anomalies()).as("a put applied again by its client's retry, after a delete").containsKeys("lin-0");
  }

  @Test
  void aHistoryFileReadsBackAsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    List<Operation> history = List.of(put(1, "shop", "a", 0, 1), get(2, "shop", null, 2, 3), delete(3, "shop", 4, Operation.PENDING));
    HistoryFile.write(dir.resolve("h.tsv"), history);
    assertThat(HistoryFile.read(dir.resolve("h.tsv"))).isEqualTo(history);
  }

  /** Three clients, one op at a time each, on 4 keys; writes apply at the leader at once and at the replica {@code lag} ticks later. */
  static List<Operation> simulate(int lag, long seed) {
    Random random = new Random(seed);
    String[] keys = {"a", "b", "c", "d"};
    record Write(long at, String key, String value) {}
    List<Write> log = new ArrayList<>();
    List<Operation> history = new ArrayList<>();
    int[] counter = {0};
    for (long t = 0; t < 2_000; t += 1 + random.nextInt(3)) {
      int client = random.nextInt(3);
      String key = keys[random.nextInt(keys.length)];
      long invoke = t;
      long ret = t + 1 + random.nextInt(3);
      long applied = invoke + random.nextInt((int) (ret - invoke) + 1); // the leader applies it within the call
      switch (random.nextInt(3)) {
        case 0 -> {
          String value = "w" + counter[0]++;
          log.add(new Write(applied, key, value));
          history.add(put(client, key, value, invoke, ret));
        }
        case 1 -> {
          log.add(new Write(applied, key, null));
          history.add(delete(client, key, invoke, ret));
        }
        default -> {
          long seen = applied - lag; // the replica's view at the moment the read is served
          String value = null; // the last write applied by then (by the time it was applied; a tie goes to the later call)
          long latest = Long.MIN_VALUE;
          for (Write w : log) {
            if (w.key().equals(key) && w.at() <= seen && w.at() >= latest) {
              latest = w.at();
              value = w.value();
            }
          }
          history.add(get(client, key, value, invoke, ret));
        }
      }
    }
    return history;
  }
}
