package io.qonnect.lead.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qonnect.lead.state.ControlPlaneState;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A snapshot that lost its end (a crash before the data reached the disk leaves a file of zero or a few bytes)
 * must never be read as a smaller state: after the log was purged behind it, that state would be all there is.
 */
class SnapshotCodecTest {

  static ControlPlaneState someState() {
    ControlPlaneState state = new ControlPlaneState();
    List<byte[]> log = SnapshotReplayTest.randomLog(11, 150);
    SnapshotReplayTest.replay(state, log, 0, log.size());
    return state;
  }

  @Test
  void anEmptyInputIsRefusedNotReadAsAnEmptyState() {
    assertThatThrownBy(() -> SnapshotCodec.decodeInto(new byte[0], new ControlPlaneState()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void everyTruncationOfASnapshotIsRefused() {
    ControlPlaneState state = someState();
    assertThat(state.applications()).as("the state must have records to cut through").isNotEmpty();
    byte[] whole = SnapshotCodec.encode(state);
    for (int length = 0; length < whole.length; length++) {
      byte[] prefix = Arrays.copyOf(whole, length);
      ControlPlaneState target = new ControlPlaneState();
      int cut = length;
      assertThatThrownBy(() -> SnapshotCodec.decodeInto(prefix, target))
          .as("the first %d of %d bytes", cut, whole.length)
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void anEmptyStateRoundTripsThroughNonEmptyBytes() {
    ControlPlaneState empty = new ControlPlaneState();
    byte[] bytes = SnapshotCodec.encode(empty);
    assertThat(bytes).isNotEmpty();
    ControlPlaneState restored = new ControlPlaneState();
    SnapshotCodec.decodeInto(bytes, restored);
    assertThat(SnapshotCodec.hash(restored)).isEqualTo(SnapshotCodec.hash(empty));
  }

  @Test
  void aStateRoundTrips() {
    ControlPlaneState state = someState();
    ControlPlaneState restored = new ControlPlaneState();
    SnapshotCodec.decodeInto(SnapshotCodec.encode(state), restored);
    assertThat(SnapshotCodec.hash(restored)).isEqualTo(SnapshotCodec.hash(state));
  }

  /**
   * format-0.bin was written by the codec before snapshots were framed (plain ControlPlaneSnapshot bytes, seeded
   * log 7, 120 entries); format-0.sha256 is the state hash it reported then. Such snapshots are on disk and
   * come from lead agents not yet upgraded: they must load, and equal states must still hash alike across versions.
   */
  @Test
  void aSnapshotWrittenBeforeFramingStillLoadsAndHashesAsBefore() throws IOException {
    byte[] legacy = resource("format-0.bin");
    String hashThen = new String(resource("format-0.sha256"), java.nio.charset.StandardCharsets.UTF_8).trim();
    ControlPlaneState restored = new ControlPlaneState();
    SnapshotCodec.decodeInto(legacy, restored);
    assertThat(restored.applications()).isNotEmpty();
    assertThat(SnapshotCodec.hash(restored)).isEqualTo(hashThen);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SnapshotCodecTest.class.getResourceAsStream("/snapshots/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
