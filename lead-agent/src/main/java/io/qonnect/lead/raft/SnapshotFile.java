package io.qonnect.lead.raft;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot on disk, laid out as Ratis's SimpleStateMachineStorage finds it: {@code snapshot.TERM_INDEX}, and
 * beside it {@code snapshot.TERM_INDEX.md5} with the MD5 of its bytes in the format MD5FileUtil reads. Both are
 * written with {@link DurableFile}, the digest first: Ratis passes over a snapshot without a digest for an older
 * one that has one, and it purges the log only once {@link #write} has returned.
 */
final class SnapshotFile {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFile.class);

  private SnapshotFile() {}

  /** Writes {@code bytes} to {@code target} and its digest beside it; returns the digest, of the bytes themselves. */
  static MD5Hash write(File target, byte[] bytes) throws IOException {
    return write(target, bytes, DurableFile.SYSTEM);
  }

  static MD5Hash write(File target, byte[] bytes, DurableFile.Disk disk) throws IOException {
    MD5Hash md5 = MD5Hash.newInstance(MD5FileUtil.newMD5().digest(bytes));
    // the line MD5FileUtil.saveMD5File writes, which readStoredMd5ForFile parses (and checks the name in)
    String line = md5 + " *" + target.getName() + "\n";
    DurableFile.write(MD5FileUtil.getDigestFileForFile(target).toPath(), line.getBytes(StandardCharsets.UTF_8), disk);
    DurableFile.write(target.toPath(), bytes, disk);
    return md5;
  }

  /**
   * The snapshot's bytes, checked against the digest stored beside it.
   *
   * @throws IOException naming the file when its bytes do not match the stored digest, or that digest is unreadable
   */
  static byte[] read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    File digestFile = MD5FileUtil.getDigestFileForFile(file.toFile());
    MD5Hash stored;
    try {
      stored = MD5FileUtil.readStoredMd5ForFile(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException("snapshot " + file + ": its digest " + digestFile + " is unreadable: " + e.getMessage(), e);
    }
    if (stored == null) {
      // only from a build that renamed the snapshot before writing its digest, and crashed in between;
      // SnapshotCodec still refuses one that is empty or cut short
      LOG.warn("snapshot {} has no digest {}: reading it unverified", file, digestFile);
      return bytes;
    }
    MD5Hash actual = MD5Hash.newInstance(MD5FileUtil.newMD5().digest(bytes));
    if (!actual.equals(stored)) {
      throw new IOException("snapshot " + file + " is corrupt: its " + bytes.length + " bytes have MD5 " + actual + ", but " + digestFile
          + " says " + stored);
    }
    return bytes;
  }
}
