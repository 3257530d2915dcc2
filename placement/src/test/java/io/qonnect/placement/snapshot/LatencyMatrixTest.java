package io.qonnect.placement.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Unmeasured pairs completed through landmarks: measured values kept, estimates the best upper bound the landmarks give. */
class LatencyMatrixTest {
  @Test
  void anUnmeasuredPairIsTheShortestWayThroughALandmark() {
    Map<String, Map<String, Double>> rtt = Map.of(
        "a", Map.of("l1", 10.0, "l2", 3.0),
        "b", Map.of("l1", 1.0, "l2", 20.0),
        "c", Map.of("a", 7.0));
    LatencyMatrix m = new LatencyMatrix(rtt, Map.of(), Set.of("l1", "l2"));
    assertThat(m.between(ClusterId.of("a"), ClusterId.of("b"))).hasValue(11.0); // via l1: 10 + 1; via l2: 3 + 20
    assertThat(m.between(ClusterId.of("b"), ClusterId.of("a"))).hasValue(11.0);
    assertThat(m.between(ClusterId.of("a"), ClusterId.of("c"))).as("measured: kept").hasValue(7.0);
    assertThat(m.between(ClusterId.of("c"), ClusterId.of("b"))).as("c measured no landmark: unknown").isEmpty();
    assertThat(new LatencyMatrix(rtt, Map.of()).between(ClusterId.of("a"), ClusterId.of("b"))).as("no landmarks: unknown").isEmpty();
  }

  /** Points in a plane (a metric): each measures its few neighbours and every landmark; then no pair is below the truth. */
  @Property(tries = 50)
  void estimatesNeverUnderstateAMetric(@ForAll long seed, @ForAll @IntRange(min = 3, max = 60) int points, @ForAll @IntRange(min = 1, max = 5) int landmarks) {
    Random random = new Random(seed);
    double[][] at = new double[points][2];
    for (double[] p : at) { p[0] = random.nextDouble() * 100; p[1] = random.nextDouble() * 100; }
    Set<String> marks = new TreeSet<>();
    for (int l = 0; l < Math.min(landmarks, points); l++) marks.add(name(l));
    Map<String, Map<String, Double>> measured = new TreeMap<>();
    List<int[]> measuredPairs = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      Map<String, Double> row = new TreeMap<>();
      for (int j = 0; j < points; j++) {
        if (i != j && (marks.contains(name(j)) || random.nextInt(10) == 0)) {
          row.put(name(j), distance(at[i], at[j]));
          measuredPairs.add(new int[] {i, j});
        }
      }
      measured.put(name(i), row);
    }
    LatencyMatrix m = new LatencyMatrix(measured, Map.of(), marks);
    for (int i = 0; i < points; i++) {
      for (int j = 0; j < points; j++) {
        var known = m.between(ClusterId.of(name(i)), ClusterId.of(name(j)));
        assertThat(known).as("every pair reaches a landmark").isPresent();
        assertThat(known.getAsDouble()).isGreaterThanOrEqualTo(distance(at[i], at[j]) - 1e-9);
      }
    }
    for (int[] p : measuredPairs) assertThat(m.between(ClusterId.of(name(p[0])), ClusterId.of(name(p[1])))).hasValue(distance(at[p[0]], at[p[1]]));
  }

  private static String name(int i) {
    return "p-" + i;
  }

  private static double distance(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
}
