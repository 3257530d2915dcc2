package io.qonnect.testbed.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scale report's GC and allocation columns read a process's /metrics: every collector's pauses, each loop's allocation. */
class GcPausesTest {
  @Test
  void everyCollectorsPausesAreSummedAndOtherSumsIgnored() {
    String metrics = """
        # TYPE jvm_gc_pause_seconds summary
        jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 27
        jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.75
        jvm_gc_pause_seconds_sum{action="end of major GC",cause="Allocation Failure",gc="MarkSweepCompact"} 6.25
        jvm_gc_pause_seconds_max{action="end of major GC",cause="Allocation Failure",gc="MarkSweepCompact"} 0.341
        jvm_gc_concurrent_phase_time_seconds_sum{action="end of concurrent GC pause",gc="x"} 9
        qonnect_loop_seconds_sum{loop="placement",outcome="ok"} 12.5
        """;
    assertThat(ScaleBench.gcPauseSeconds(metrics)).isEqualTo(7.0);
    assertThat(ScaleBench.gcPauseSeconds("")).isZero();
  }

  @Test
  void whatEachLoopAllocatedIsReadByLoop() {
    String metrics = """
        qonnect_loop_allocated_bytes_total{loop="placement",process="lead-1"} 1.5E9
        qonnect_loop_allocated_bytes_total{loop="health",process="lead-1"} 2000000.0
        qonnect_loop_seconds_sum{loop="placement",outcome="ok",process="lead-1"} 12.5
        """;
    assertThat(ScaleBench.byLoop(metrics)).containsExactly(java.util.Map.entry("health", 2_000_000.0), java.util.Map.entry("placement", 1.5e9));
  }
}
