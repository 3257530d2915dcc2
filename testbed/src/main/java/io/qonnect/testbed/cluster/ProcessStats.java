package io.qonnect.testbed.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory and CPU time of a process, read from Linux's /proc (0 when the process is gone). */
public final class ProcessStats {
  /** Clock ticks per second of /proc/PID/stat times; 100 on every Linux this runs on. */
  static final long TICKS_PER_SECOND = 100;

  private ProcessStats() {}

  public static long rssKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return 0;
  }

  /** User plus system CPU time in milliseconds. */
  public static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
