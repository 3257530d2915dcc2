package io.qonnect.testbed.federation;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Local federations for integration tests: under target/federation-it/NAME (the logs stay there after a failure), an earlier run's data wiped. */
final class FreshFederation {
  private FreshFederation() {}

  /** A federation whose processes run this test's class path, small heaps; nothing started yet. */
  static LocalFederation create(String name) {
    Path dir = Path.of("target", "federation-it", name).toAbsolutePath();
    new LocalFederation(dir, "", List.of()).down(true, line -> {});
    return new LocalFederation(dir, System.getProperty("java.class.path"), LocalFederation.TEST_JVM_OPTIONS);
  }

  /** Skips the test, saying why, where this machine cannot drop packets ({@link PacketFaults}). */
  static void assumePacketFaults(LocalFederation federation) {
    PacketFaults.Result packets = PacketFaults.forFederation(federation.workDir());
    Assumptions.assumeTrue(packets.faults().isPresent(), "packet faults unavailable here: " + packets.unavailableBecause());
  }
}
