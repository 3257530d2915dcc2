package io.qonnect.lead.raft;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that a crash at any moment leaves either the old content or the whole new one, and so
 * that once {@link #write} returns the new content survives a power loss: write a temporary sibling, fsync it,
 * rename it over the target, fsync the directory. Without the first fsync a crash can leave the new name on a
 * file whose data never reached the disk (zero bytes on ext4); without the second the rename itself, a change of
 * the directory, can be lost while what the caller did next (Ratis purging its log behind a snapshot) is not.
 * Ratis's AtomicFileOutputStream does the first three steps but not the directory.
 */
final class DurableFile {
  /** The steps that touch the disk, apart so that a test can see each of them and their order. */
  interface Disk {
    /** Creates or truncates {@code file} and writes {@code bytes}; not yet durable. */
    void write(Path file, byte[] bytes) throws IOException;

    /** Forces {@code path}, a file or a directory, to the disk (fsync). */
    void fsync(Path path) throws IOException;

    /** Renames atomically, replacing {@code to}. */
    void rename(Path from, Path to) throws IOException;
  }

  static final Disk SYSTEM = new Disk() {
    @Override
    public void write(Path file, byte[] bytes) throws IOException {
      Files.write(file, bytes);
    }

    /** A directory is opened for reading, which is how POSIX systems let one fsync it. */
    @Override
    public void fsync(Path path) throws IOException {
      try (FileChannel channel = FileChannel.open(path, Files.isDirectory(path) ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
        channel.force(true);
      }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  };

  private DurableFile() {}

  static void write(Path target, byte[] bytes) throws IOException {
    write(target, bytes, SYSTEM);
  }

  static void write(Path target, byte[] bytes, Disk disk) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      disk.write(tmp, bytes);
      disk.fsync(tmp);
      disk.rename(tmp, target);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    disk.fsync(target.toAbsolutePath().getParent());
  }
}
