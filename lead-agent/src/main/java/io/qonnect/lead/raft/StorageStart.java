package io.qonnect.lead.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How a lead agent opens its Raft storage: format it, recover it, or refuse to start. A peer that formats forgets
 * every vote it cast; had it been a member before, it could vote a second time in a term it already voted in and
 * help elect two leaders. So storage is formatted only in a data directory that was never used, which is what a
 * new group's first start (and {@code ./qonnect demo}) has: the data directory holds a marker,
 * {@value #MARKER}, with the peer id, from the first start on; a data directory with the marker and no Raft
 * storage lost it, and the lead agent refuses to start unless told to rejoin as a new empty member
 * ({@code --rejoin-empty true}; the operator removes the peer from the group and adds it back).
 *
 * <p>A data directory lost whole (marker included, e.g. a new volume) looks like a first start and formats:
 * only something outside the directory could tell the two apart.
 */
public final class StorageStart {
  /** In the data directory, beside {@code raft/}: the peer id this directory's Raft storage belongs to. */
  public static final String MARKER = "qonnect-peer-id";

  private StorageStart() {}

  public sealed interface Decision permits Format, Recover, Refuse {}

  /** A new member: Ratis formats empty storage (StartupOption.FORMAT). */
  public record Format() implements Decision {}

  /** A restart: Ratis reads the log, votes and snapshots it left (StartupOption.RECOVER). */
  public record Recover() implements Decision {}

  /** Starting would be unsafe; {@code reason} says why and what the operator can do. */
  public record Refuse(String reason) implements Decision {}

  /** Thrown when the lead agent refuses to start on what its data directory holds. */
  public static final class RefusedException extends IOException {
    public RefusedException(String reason) {
      super(reason);
    }
  }

  /**
   * What a data directory holds.
   *
   * @param formattedAs the peer id in its marker; empty when it has none (never used, or used by a build that wrote none)
   * @param raftEmpty whether its {@code raft/} directory is missing or empty
   */
  public record OnDisk(Path dataDir, Optional<String> formattedAs, boolean raftEmpty) {}

  public static Path raftDir(Path dataDir) {
    return dataDir.resolve("raft");
  }

  /** Pure: the same disk, peer and flag give the same decision. */
  public static Decision decide(String selfId, OnDisk disk, boolean rejoinEmpty) {
    if (disk.formattedAs().isPresent() && !disk.formattedAs().get().equals(selfId)) {
      return new Refuse("lead agent " + selfId + ": data directory " + disk.dataDir() + " belongs to lead agent " + disk.formattedAs().get()
          + " (says " + disk.dataDir().resolve(MARKER) + "); give each lead agent its own --data-dir");
    }
    if (!disk.raftEmpty()) return new Recover();
    if (disk.formattedAs().isEmpty() || rejoinEmpty) return new Format();
    return new Refuse("lead agent " + selfId + ": " + raftDir(disk.dataDir()) + " is missing or empty, but " + disk.dataDir().resolve(MARKER)
        + " says this directory already held " + selfId + "'s Raft storage. Starting empty under the same peer id forgets the votes it"
        + " cast and could elect two leaders in one term. Restore the directory; or remove " + selfId + " from the group, add it back,"
        + " and start it with --rejoin-empty true (QONNECT_LEAD_REJOIN_EMPTY=true) to join as a new empty member.");
  }

  public static OnDisk inspect(Path dataDir) throws IOException {
    Path raft = raftDir(dataDir);
    boolean empty = true;
    if (Files.isDirectory(raft)) {
      try (Stream<Path> entries = Files.list(raft)) {
        empty = entries.findAny().isEmpty();
      }
    }
    Path marker = dataDir.resolve(MARKER);
    Optional<String> formattedAs = Files.isRegularFile(marker) ? Optional.of(Files.readString(marker, StandardCharsets.UTF_8).trim()) : Optional.empty();
    return new OnDisk(dataDir, formattedAs, empty);
  }

  /**
   * Writes the marker, durably, unless it is there: called once the Raft server has started on its storage
   * (before that a failed first start, a port in use say, would leave a marker and no storage: a false refusal).
   */
  public static void recordFormatted(Path dataDir, String selfId) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    if (Files.isRegularFile(marker)) return;
    Files.createDirectories(dataDir);
    DurableFile.write(marker, (selfId + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
