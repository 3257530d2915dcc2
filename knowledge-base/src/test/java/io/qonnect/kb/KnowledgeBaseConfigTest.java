package io.qonnect.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnowledgeBaseConfigTest {
  private static KnowledgeBaseConfig load(String... args) {
    return KnowledgeBaseConfig.load(args, Map.of());
  }

  @Test
  void historyIsKeptAWeekUnlessToldOtherwise() {
    assertThat(load("--in-memory", "--insecure").historyRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(load("--in-memory", "--insecure", "--history-retention", "12h").historyRetention()).isEqualTo(Duration.ofHours(12));
    assertThat(load("--in-memory", "--insecure", "--history-retention", "90s").historyRetention()).isEqualTo(Duration.ofSeconds(90));
    assertThat(load("--in-memory", "--insecure", "--history-retention", "0").historyRetention()).as("forever").isZero();
    assertThat(KnowledgeBaseConfig.load(new String[] {"--in-memory", "--insecure"}, Map.of("QONNECT_KB_HISTORY_RETENTION", "30m")).historyRetention())
        .isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aRetentionWithoutAUnitIsRefusedNamingTheFlag() {
    for (String bad : new String[] {"7", "7w", "-1d", "d", "1.5h", "9999999999d"}) {
      assertThatThrownBy(() -> load("--in-memory", "--insecure", "--history-retention", bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--history-retention").hasMessageContaining(bad);
    }
  }
}
