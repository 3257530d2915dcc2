package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot on disk: written crash-safely with its digest, and read back only when the bytes match that digest. */
class SnapshotFileTest {
  @TempDir Path dir;

  private File snapshot() {
    return dir.resolve("snapshot.3_1200").toFile();
  }

  @Test
  void theDigestIsDurableBeforeTheSnapshotAndBothAreFsyncedAndRenamedIntoPlace() throws IOException {
    DurableFileTest.RecordingDisk disk = new DurableFileTest.RecordingDisk(dir);

    SnapshotFile.write(snapshot(), new byte[] {1, 2, 3, 4}, disk);

    // the digest first: a snapshot without its .md5 is passed over by Ratis for an older one that has one
    assertThat(disk.steps).containsExactly(
        "write snapshot.3_1200.md5.tmp", "fsync snapshot.3_1200.md5.tmp", "rename snapshot.3_1200.md5.tmp snapshot.3_1200.md5", "fsync .",
        "write snapshot.3_1200.tmp", "fsync snapshot.3_1200.tmp", "rename snapshot.3_1200.tmp snapshot.3_1200", "fsync .");
  }

  @Test
  void theStoredDigestIsTheDigestOfTheBytesWrittenInRatisFormat() throws IOException {
    byte[] bytes = "some state".getBytes();
    MD5Hash written = SnapshotFile.write(snapshot(), bytes);

    assertThat(MD5FileUtil.readStoredMd5ForFile(snapshot())).isEqualTo(written);
    assertThat(MD5FileUtil.computeMd5ForFile(snapshot())).isEqualTo(written);
    assertThat(SnapshotFile.read(snapshot().toPath())).isEqualTo(bytes);
  }

  @Test
  void aSnapshotWhoseBytesChangedFailsToLoadNamingTheFile() throws IOException {
    SnapshotFile.write(snapshot(), "region eu, cluster c-1".getBytes());
    try (RandomAccessFile f = new RandomAccessFile(snapshot(), "rw")) {
      f.seek(8);
      f.write('w'); // "eu" becomes "wu": still a well-formed snapshot, silently wrong without the digest
    }

    assertThatThrownBy(() -> SnapshotFile.read(snapshot().toPath()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(snapshot().toString())
        .hasMessageContaining("MD5");
  }

  @Test
  void aTruncatedSnapshotFailsToLoadNamingTheFile() throws IOException {
    SnapshotFile.write(snapshot(), new byte[1000]);
    try (RandomAccessFile f = new RandomAccessFile(snapshot(), "rw")) {
      f.setLength(0);
    }

    assertThatThrownBy(() -> SnapshotFile.read(snapshot().toPath()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(snapshot().toString());
  }

  /** A snapshot from before the digest came first may lack one (a crash between the two); SnapshotCodec still checks it. */
  @Test
  void aSnapshotWithoutADigestIsReadAsItIs() throws IOException {
    SnapshotFile.write(snapshot(), new byte[] {7});
    Files.delete(MD5FileUtil.getDigestFileForFile(snapshot()).toPath());

    assertThat(SnapshotFile.read(snapshot().toPath())).containsExactly(7);
  }
}
