package io.qonnect.testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillSummaryTest {
  @TempDir Path results;

  private void report(String name, String drill, String recovered, String outcome, String violations) throws IOException {
    Files.writeString(results.resolve(name + ".json"), """
        {"drill":"%s","intervalsSeconds":{"detected":1.0,"committed":null,"recovered":%s},%s"violations":[%s]}
        """.formatted(drill, recovered, outcome == null ? "" : "\"outcome\":\"" + outcome + "\",", violations));
  }

  @Test
  void aPriceChangeThatMovedNothingIsNotCountedAsNotRecovered() throws IOException {
    report("a", "price-change", "null", "nothing to move", "");
    report("b", "price-change", "null", "not recovered", "");
    report("c", "price-change", "4.0", "recovered", "");
    report("d", "price-change", "null", null, "\"bookinfo lost\""); // written before reports had an outcome
    assertThat(DrillSummary.markdown(results)).contains("| price-change | 4 | 1.00 / 1.00 (n=4) | – | 4.00 / 4.00 (n=1) | 2 | 1 | 1 |");
  }
}
