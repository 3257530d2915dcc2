package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.state.ClusterHealth;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.ControlPlaneState;
import io.qonnect.placement.Placement;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Snapshot plus log tail gives the same state, byte for byte, as replaying the whole log; through the real codecs. */
class SnapshotReplayTest {

  /** A submission whose canonical form stands for {@code text}: equal texts, equal forms. */
  static Command.SubmitApplication submit(String application, String text, long expectedRevision) {
    return new Command.SubmitApplication(application, text, io.qonnect.proto.v1.ApplicationSpec.newBuilder().setName(application)
        .addLabels(io.qonnect.proto.v1.SpecLabel.newBuilder().setKey("text").setValue(text)).build(), expectedRevision);
  }
  /** A seeded random log of every command kind, including stale and rejected ones, as encoded entries. */
  static List<byte[]> randomLog(long seed, int length) {
    return randomLog(seed, length, false);
  }

  /**
   * @param namedRequests the log at this build's feature level, its submissions and deletes naming requests from a small
   *     pool (so many are retries of an earlier one)
   */
  static List<byte[]> randomLog(long seed, int length, boolean namedRequests) {
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> log = new ArrayList<>();
    if (namedRequests) log.add(CommandCodec.encode(999, new Command.SetFeatureLevel(io.qonnect.lead.state.FeatureLevels.SUPPORTED)));
    for (int i = log.size(); i < length; i++) {
      String app = "app-" + random.nextInt(12);
      ClusterId cluster = ClusterId.of("c-" + random.nextInt(5));
      Command c = switch (random.nextInt(7)) {
        case 0, 1 -> submit(app, "spec " + random.nextInt(3), 0);
        case 2 -> new Command.DeleteApplication(app);
        case 3 -> new Command.RegisterCluster(cluster, Tier.values()[random.nextInt(3)], "eu", "");
        case 5 -> new Command.CompleteMigration(app, random.nextInt(4));
        case 4 -> new Command.SetClusterHealth(cluster, ClusterHealth.values()[random.nextInt(3)], "drill", 0);
        default -> new Command.CommitPlacement(app, random.nextInt(i + 1), random.nextInt(i / 4 + 1),
            random.nextBoolean() ? null : placement(cluster, 1 + random.nextInt(3)), "explained", "diagnosed", "drill");
      };
      boolean intent = c instanceof Command.SubmitApplication || c instanceof Command.DeleteApplication;
      String requestId = namedRequests && intent ? "user r-" + random.nextInt(40) : "";
      log.add(CommandCodec.encode(1_000 + i, 0, 0, requestId, c));
    }
    return log;
  }

  static Placement placement(ClusterId cluster, int replicas) {
    SortedMap<ClusterId, Integer> m = new TreeMap<>();
    m.put(cluster, replicas);
    SortedMap<String, SortedMap<ClusterId, Integer>> p = new TreeMap<>();
    p.put("web", m);
    return new Placement(p);
  }

  static void replay(ControlPlaneState state, List<byte[]> log, int from, int to) {
    for (int i = from; i < to; i++) {
      CommandCodec.Stamped s = CommandCodec.decode(log.get(i));
      state.apply(i + 1, 0, s.timeMillis(), s.decidedInTerm(), s.validUntilMillis(), s.requestId(), s.command());
    }
  }

  /** A replica that applied the log up to {@code cut}, took a snapshot, restored it elsewhere, and applied the rest. */
  private static ControlPlaneState snapshotAtThenTail(List<byte[]> log, int cut) {
    ControlPlaneState head = new ControlPlaneState();
    replay(head, log, 0, cut);
    ControlPlaneState restored = new ControlPlaneState();
    SnapshotCodec.decodeInto(SnapshotCodec.encode(head), restored);
    replay(restored, log, cut, log.size());
    return restored;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 20261122})
  void snapshotPlusTailEqualsFullReplay(long seed) {
    List<byte[]> log = randomLog(seed, 3000);
    ControlPlaneState full = new ControlPlaneState();
    replay(full, log, 0, log.size());
    for (int cut : new int[] {0, 1, 777, 1500, 2999, 3000}) {
      ControlPlaneState restored = snapshotAtThenTail(log, cut);
      assertThat(SnapshotCodec.hash(restored)).as("snapshot at %d + tail", cut).isEqualTo(SnapshotCodec.hash(full));
    }
    assertThat(full.applications()).as("the random log must exercise the state").isNotEmpty();
  }

  /** The requests a replica remembers (level 9) come with its snapshot: one restored answers a retry as the others do. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 20261201})
  void snapshotPlusTailEqualsFullReplayWithNamedRequests(long seed) {
    List<byte[]> log = randomLog(seed, 3000, true);
    ControlPlaneState full = new ControlPlaneState();
    replay(full, log, 0, log.size());
    for (int cut : new int[] {1, 777, 1500, 2999}) {
      ControlPlaneState restored = snapshotAtThenTail(log, cut);
      assertThat(SnapshotCodec.hash(restored)).as("snapshot at %d + tail", cut).isEqualTo(SnapshotCodec.hash(full));
      assertThat(restored.applications()).as("snapshot at %d + tail", cut).isEqualTo(full.applications());
    }
    assertThat(full.rememberedWrites()).as("the random log must remember requests").isNotEmpty();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {5, 6})
  void commandsSurviveTheCodec(long seed) {
    for (byte[] entry : randomLog(seed, 500)) {
      CommandCodec.Stamped s = CommandCodec.decode(entry);
      assertThat(CommandCodec.decode(CommandCodec.encode(s.timeMillis(), s.command()))).isEqualTo(s);
    }
  }
}
