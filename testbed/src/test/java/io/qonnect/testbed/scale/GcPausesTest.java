package io.qonnect.testbed.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scale report's GC column reads every collector's pauses from a process's /metrics, and nothing else. */
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
}
