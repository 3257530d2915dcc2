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

  @Test
  void drillsOnAProcessCountApartByItsRole() throws IOException {
    Files.writeString(results.resolve("p1.json"), """
        {"drill":"pause","args":["leader","4"],"intervalsSeconds":{"detected":1.0,"committed":2.0,"recovered":2.0},"violations":[]}
        """);
    Files.writeString(results.resolve("p2.json"), """
        {"drill":"pause","args":["agent-cloud-2","4"],"intervalsSeconds":{"detected":3.0,"committed":null,"recovered":4.0},"violations":[]}
        """);
    assertThat(DrillSummary.markdown(results)).contains("| pause agent | 1 | 3.00 / 3.00 (n=1) |").contains("| pause leader | 1 | 1.00 / 1.00 (n=1) |");
  }

  @Test
  void thePlotDrawsEveryDrillAsARowWithItsIntervalsWhereTheyHappened() throws IOException {
    Files.writeString(results.resolve("x.json"), """
        {"drill":"partition","args":["fog-2"],"startedUnixMillis":2,"intervalsSeconds":{"detected":2.0,"committed":3.0,"recovered":8.0},"outcome":"recovered","violations":[]}
        """);
    Files.writeString(results.resolve("y.json"), """
        {"drill":"partition","args":["fog-<2>"],"startedUnixMillis":1,"intervalsSeconds":{"detected":1.0,"committed":null,"recovered":null},"outcome":"not recovered","violations":[]}
        """);
    String svg = DrillPlot.svg(DrillSummary.reports(results));
    assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
    // the first row is the earlier drill (y), not recovered; the second (x) recovered at 8 s on a 10 s axis
    assertThat(svg.indexOf("fog-&lt;2&gt;")).isLessThan(svg.indexOf(">partition fog-2<"));
    assertThat(svg).containsOnlyOnce("class=\"not-recovered\"").containsOnlyOnce("class=\"recovered\"");
    double barEnd = DrillPlot.x(8, 10) - DrillPlot.x(0, 10);
    assertThat(svg).contains(String.format(java.util.Locale.ROOT, "width=\"%.1f\"", barEnd));
    assertThat(svg).contains(String.format(java.util.Locale.ROOT, "cx=\"%.1f\"", DrillPlot.x(2, 10)))
        .contains(String.format(java.util.Locale.ROOT, "cx=\"%.1f\"", DrillPlot.x(1, 10)));
    assertThat(svg).containsOnlyOnce("class=\"committed\"");
  }
}
