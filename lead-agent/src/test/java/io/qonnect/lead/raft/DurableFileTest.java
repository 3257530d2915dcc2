package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the fsyncs a crash can leave the new name pointing at a file whose data never reached the disk (zero
 * bytes), or lose the rename while what the caller did after it (Ratis purging its log) survives.
 */
class DurableFileTest {
  @TempDir Path dir;

  /** The real disk, each step recorded as "step name" with names relative to the directory ("." for it). */
  static final class RecordingDisk implements DurableFile.Disk {
    final List<String> steps = new ArrayList<>();
    private final Path dir;

    RecordingDisk(Path dir) {
      this.dir = dir;
    }

    private String name(Path p) {
      return p.equals(dir) ? "." : dir.relativize(p).toString();
    }

    @Override
    public void write(Path file, byte[] bytes) throws IOException {
      steps.add("write " + name(file));
      DurableFile.SYSTEM.write(file, bytes);
    }

    @Override
    public void fsync(Path path) throws IOException {
      steps.add("fsync " + name(path));
      DurableFile.SYSTEM.fsync(path);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      steps.add("rename " + name(from) + " " + name(to));
      DurableFile.SYSTEM.rename(from, to);
    }
  }

  @Test
  void theNewContentIsOnDiskBeforeTheRenameAndTheRenameIsOnDiskBeforeWriteReturns() throws IOException {
    RecordingDisk disk = new RecordingDisk(dir);
    Files.writeString(dir.resolve("marker"), "old");

    DurableFile.write(dir.resolve("marker"), "new".getBytes(), disk);

    assertThat(disk.steps).containsExactly("write marker.tmp", "fsync marker.tmp", "rename marker.tmp marker", "fsync .");
    assertThat(Files.readString(dir.resolve("marker"))).isEqualTo("new");
    assertThat(dir.resolve("marker.tmp")).doesNotExist();
  }

  @Test
  void theSystemDiskFsyncsFilesAndDirectories() throws IOException {
    DurableFile.write(dir.resolve("a"), new byte[] {1, 2, 3});
    DurableFile.SYSTEM.fsync(dir.resolve("a"));
    DurableFile.SYSTEM.fsync(dir);
    assertThat(Files.readAllBytes(dir.resolve("a"))).containsExactly(1, 2, 3);
  }
}
