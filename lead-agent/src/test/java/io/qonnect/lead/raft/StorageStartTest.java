package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.qonnect.lead.raft.StorageStart.Decision;
import io.qonnect.lead.raft.StorageStart.Format;
import io.qonnect.lead.raft.StorageStart.OnDisk;
import io.qonnect.lead.raft.StorageStart.Recover;
import io.qonnect.lead.raft.StorageStart.Refuse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A lead agent that formats its Raft storage forgets the votes it cast. Formatting is right for a data directory
 * never used; for one that was (its marker says so) but lost its Raft directory it is how one peer votes twice in
 * a term: it must refuse, unless told to rejoin as a new empty member.
 */
class StorageStartTest {
  static final Path DATA = Path.of("/data/lead-2");
  static final Optional<String> NEVER = Optional.empty();

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("a brand-new data directory formats", NEVER, true, false, Format.class),
        arguments("a restart on its own data recovers", Optional.of("lead-2"), false, false, Recover.class),
        arguments("data from a build that wrote no marker recovers", NEVER, false, false, Recover.class),
        arguments("a lost Raft directory is refused", Optional.of("lead-2"), true, false, Refuse.class),
        arguments("a lost Raft directory formats when told to rejoin empty", Optional.of("lead-2"), true, true, Format.class),
        arguments("the flag changes nothing for a restart", Optional.of("lead-2"), false, true, Recover.class),
        arguments("another peer's data is refused", Optional.of("lead-1"), false, false, Refuse.class),
        arguments("another peer's data is refused even when told to rejoin empty", Optional.of("lead-1"), true, true, Refuse.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, Optional<String> formattedAs, boolean raftEmpty, boolean rejoinEmpty, Class<? extends Decision> expected) {
    assertThat(StorageStart.decide("lead-2", new OnDisk(DATA, formattedAs, raftEmpty), rejoinEmpty)).isInstanceOf(expected);
  }

  @Test
  void aRefusalNamesTheDirectoryThePeerAndTheFlagThatAllowsRejoining() {
    Decision d = StorageStart.decide("lead-2", new OnDisk(DATA, Optional.of("lead-2"), true), false);

    assertThat(d).isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason())
        .contains("/data/lead-2/raft").contains("lead-2").contains("--rejoin-empty true").contains("QONNECT_LEAD_REJOIN_EMPTY"));
  }

  @Test
  void aRefusalOfAnotherPeersDataNamesBothPeers() {
    Decision d = StorageStart.decide("lead-2", new OnDisk(DATA, Optional.of("lead-1"), false), false);

    assertThat(d).isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason()).contains("lead-1").contains("lead-2").contains("/data/lead-2"));
  }

  @Test
  void theDiskReadsAsNeverUsedUntilTheMarkerIsWrittenAndTheRaftDirectoryFilled(@TempDir Path tmp) throws IOException {
    Path data = tmp.resolve("lead-2");
    assertThat(StorageStart.inspect(data)).isEqualTo(new OnDisk(data, NEVER, true));

    Files.createDirectories(StorageStart.raftDir(data).resolve("group"));
    StorageStart.recordFormatted(data, "lead-2");
    assertThat(StorageStart.inspect(data)).isEqualTo(new OnDisk(data, Optional.of("lead-2"), false));

    Files.delete(StorageStart.raftDir(data).resolve("group")); // the Raft directory lost, the marker kept
    assertThat(StorageStart.inspect(data)).isEqualTo(new OnDisk(data, Optional.of("lead-2"), true));
    assertThat(StorageStart.decide("lead-2", StorageStart.inspect(data), false)).isInstanceOf(Refuse.class);
  }
}
