package io.qonnect.placement.solve;

import io.qonnect.placement.snapshot.ClusterId;
import java.nio.charset.StandardCharsets;

/**
 * Breaks exact ties between clusters by a hash of (application, cluster): stable across runs and machines,
 * yet different applications do not all pile onto the alphabetically first cluster.
 */
public final class TieBreak {
  private TieBreak() {}

  /** 64-bit FNV-1a of "application/cluster". */
  public static long of(String application, ClusterId cluster) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (application + "/" + cluster.value()).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
