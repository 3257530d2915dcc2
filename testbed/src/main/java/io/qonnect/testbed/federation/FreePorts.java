package io.qonnect.testbed.federation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Ports for a federation's processes to listen on, free when handed out. They come from below Linux's ephemeral range
 * (32768–60999 by default): a listener on port 0 gets one from that range, where every outgoing connection also takes
 * its source port, so on a busy machine one could be taken between this check and the member's bind (OpsEndpointsIT
 * once saw a lead agent fail to bind).
 */
final class FreePorts {
  static final int FIRST = 20_000;
  static final int COUNT = 12_000;
  private static final int ATTEMPTS = 500;

  private final String host;
  private final IntSupplier candidates;

  /** @param candidates the ports to try, in order (each in {@code FIRST} to {@code FIRST + COUNT - 1}) */
  FreePorts(String host, IntSupplier candidates) {
    this.host = host;
    this.candidates = candidates;
  }

  static FreePorts random(String host) {
    Random random = new Random();
    return new FreePorts(host, () -> FIRST + random.nextInt(COUNT));
  }

  /**
   * A port nothing listens on now and that is not in {@code held}.
   *
   * @param held the ports the federation has handed out already: a member not started yet (or stopped) does not listen
   *     on its port, so the check alone would hand it out again
   */
  int take(Set<Integer> held) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = candidates.getAsInt();
      if (held.contains(port)) continue;
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
        return port;
      } catch (IOException e) {
        // taken: another
      }
    }
    throw new IllegalStateException("no free port in " + FIRST + "-" + (FIRST + COUNT - 1) + " on " + host + " after " + ATTEMPTS + " tries");
  }
}
