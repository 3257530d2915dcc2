package io.qonnect.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A lead agent that says nothing, not even its ping, for longer than the bound is taken for hung. */
class StreamSilenceTest {

  @ParameterizedTest(name = "last heard at {0} ms, now {1} ms, bound {2} ms: dead {3}")
  @CsvSource({
      "1000, 1000, 5000, false",    // just heard
      "1000, 6000, 5000, false",    // 5000 ms of silence: at the bound, not past it
      "1000, 6001, 5000, true",     // 5001 ms: past it
      "-9223372036854775000, -9223372036854770000, 5000, false",  // nanoTime-derived clocks may be negative
      "9223372036854775000, -9223372036854775000, 5000, false",   // ... and wrap: this is 1616 ms later
      "9223372036854775000, -9223372036854770000, 5000, true",    // and this 6616 ms
  })
  void theStreamIsDeadOnlyPastTheBound(long lastHeard, long now, long bound, boolean dead) {
    assertThat(StreamSilence.exceeded(lastHeard, now, bound)).isEqualTo(dead);
  }

  @Test
  void anyMessageStartsTheSilenceAgain() {
    AtomicLong now = new AtomicLong(100);
    StreamSilence silence = new StreamSilence(now::get, 5000);

    now.set(5100);
    assertThat(silence.exceeded()).isFalse();
    silence.heard();                 // a ping at 5100
    now.set(10_100);
    assertThat(silence.exceeded()).as("5000 ms after the ping").isFalse();
    now.set(10_101);
    assertThat(silence.exceeded()).isTrue();
    assertThat(silence.silentMillis()).isEqualTo(5001);
  }
}
