package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.lead.state.Command;
import io.qonnect.placement.snapshot.ClusterId;
import io.qonnect.placement.spec.Tier;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state machine's own snapshots through Ratis's real storage layout: what takeSnapshot writes, initialize
 * loads; a snapshot whose bytes no longer match its digest, or that is cut short, stops the start with an
 * IOException naming the file instead of starting from a wrong (or empty) state.
 */
class ControlPlaneStateMachineSnapshotTest {
  @TempDir Path dir;

  private StateMachineFixture fixture;

  @AfterEach
  void close() throws IOException {
    if (fixture != null) fixture.close();
  }

  private ControlPlaneStateMachine started(RaftStorage.StartupOption option) throws IOException {
    if (fixture == null) fixture = new StateMachineFixture(dir);
    return fixture.started(option);
  }

  private static void apply(ControlPlaneStateMachine sm, long index, Command command) {
    StateMachineFixture.apply(sm, index, CommandCodec.encode(1_000, command));
  }

  /** A state machine that applied two entries and wrote its snapshot; the snapshot file. */
  private File snapshotWritten() throws IOException {
    ControlPlaneStateMachine sm = started(RaftStorage.StartupOption.FORMAT);
    apply(sm, 1, new Command.RegisterCluster(ClusterId.of("eu-1"), Tier.CLOUD, "eu", ""));
    apply(sm, 2, new Command.RegisterCluster(ClusterId.of("eu-2"), Tier.FOG, "eu", ""));
    assertThat(sm.takeSnapshot()).isEqualTo(2);
    return sm.getStateMachineStorage().getLatestSnapshot().getFile().getPath().toFile();
  }

  @Test
  void aSnapshotTakenIsTheStateLoaded() throws IOException {
    ControlPlaneStateMachine before = started(RaftStorage.StartupOption.FORMAT);
    apply(before, 1, new Command.RegisterCluster(ClusterId.of("eu-1"), Tier.CLOUD, "eu", ""));
    before.takeSnapshot();

    ControlPlaneStateMachine after = started(RaftStorage.StartupOption.RECOVER);

    assertThat(after.stateHash()).isEqualTo(before.stateHash());
    assertThat(after.<Integer>read(s -> s.clusters().size())).isEqualTo(1);
    assertThat(after.getLastAppliedTermIndex().getIndex()).isEqualTo(1);
  }

  /**
   * The apply thread only encodes a snapshot; its write happens elsewhere, and Ratis hears of it (and may purge the log
   * up to it) only once it is written: entries apply meanwhile, and the snapshot holds the state it was taken at.
   */
  @Test
  void aSnapshotIsWrittenOffTheApplyThreadAndReportedOnlyOnceWritten() throws IOException {
    java.util.Deque<Runnable> writes = new java.util.ArrayDeque<>();
    if (fixture == null) fixture = new StateMachineFixture(dir);
    ControlPlaneStateMachine sm = fixture.started(RaftStorage.StartupOption.FORMAT, writes::add);
    apply(sm, 1, new Command.RegisterCluster(ClusterId.of("eu-1"), Tier.CLOUD, "eu", ""));
    apply(sm, 2, new Command.RegisterCluster(ClusterId.of("eu-2"), Tier.FOG, "eu", ""));
    String atTwo = sm.stateHash();

    assertThat(sm.takeSnapshot()).as("nothing written yet: nothing for Ratis to purge up to").isEqualTo(-1);
    assertThat(writes).hasSize(1);
    apply(sm, 3, new Command.RegisterCluster(ClusterId.of("eu-3"), Tier.EDGE, "eu", ""));
    assertThat(sm.takeSnapshot()).as("asked again while it is written").isEqualTo(-1);
    assertThat(writes).as("one write at a time").hasSize(1);
    assertThat(sm.getStateMachineStorage().getLatestSnapshot()).isNull();

    writes.poll().run();
    assertThat(sm.getStateMachineStorage().getLatestSnapshot().getIndex()).isEqualTo(2);
    assertThat(sm.takeSnapshot()).as("once written, Ratis hears of it").isEqualTo(2);
    assertThat(writes).as("and no new one starts with that answer").isEmpty();

    ControlPlaneStateMachine after = started(RaftStorage.StartupOption.RECOVER);
    assertThat(after.stateHash()).as("the state at index 2, not 3").isEqualTo(atTwo);
  }

  @Test
  void aSnapshotWhoseBytesNoLongerMatchItsDigestStopsTheStart() throws IOException {
    File snapshot = snapshotWritten();
    try (RandomAccessFile f = new RandomAccessFile(snapshot, "rw")) {
      byte[] bytes = new byte[(int) f.length()];
      f.readFully(bytes);
      int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("eu-2");
      f.seek(at + 3);
      f.write('3'); // eu-2 becomes eu-3: still a well-formed snapshot, silently wrong without the digest
    }

    assertThatThrownBy(() -> started(RaftStorage.StartupOption.RECOVER))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(snapshot.toString());
  }

  @Test
  void aSnapshotCutShortStopsTheStartEvenWithAMatchingDigest() throws IOException {
    File snapshot = snapshotWritten();
    try (RandomAccessFile f = new RandomAccessFile(snapshot, "rw")) {
      f.setLength(f.length() / 2);
    }
    MD5FileUtil.computeAndSaveMd5ForFile(snapshot); // as a writer that digested what reached the disk would have

    assertThatThrownBy(() -> started(RaftStorage.StartupOption.RECOVER))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(snapshot.toString())
        .hasMessageContaining("truncated");
  }
}
