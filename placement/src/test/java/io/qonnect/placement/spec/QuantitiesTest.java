package io.qonnect.placement.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {
  @ParameterizedTest(name = "cpu {0} = {1} millicores")
  @CsvSource({
    "250m, 250", "1, 1000", "1.5, 1500", "0.1, 100", "2k, 2000000", "100u, 1", // 100µ cores = 0.1m, rounded up
    "1e3, 1000000", "1.0001, 1001", ".5, 500"
  })
  void cpu(String text, long millis) {
    assertThat(Quantities.cpuMillis(text)).contains(millis);
  }

  @ParameterizedTest(name = "memory {0} = {1} bytes")
  @CsvSource({
    "256Mi, 268435456", // 256 × 2^20
    "1G, 1000000000", "1Gi, 1073741824", "128974848, 128974848", "129e6, 129000000", "1.5Ki, 1536", "512M, 512000000"
  })
  void memory(String text, long bytes) {
    assertThat(Quantities.bytes(text)).contains(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "m", "250mm", "1.2.3", "-1", "1 Gi", "ten", "1KiB", "0x10"})
  void rejectsWhatKubernetesRejects(String text) {
    assertThat(Quantities.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"250, 250m", "1000, 1", "1500, 1500m"})
  void formatsCpu(long millis, String text) {
    assertThat(Quantities.formatCpu(millis)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"268435456, 256Mi", "1073741824, 1Gi", "1000, 1000"})
  void formatsMemory(long bytes, String text) {
    assertThat(Quantities.formatMemory(bytes)).isEqualTo(text);
  }
}
