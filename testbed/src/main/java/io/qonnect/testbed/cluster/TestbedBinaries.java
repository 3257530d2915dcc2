package io.qonnect.testbed.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the testbed's Kubernetes binaries: {@code $QONNECT_TESTBED_BIN} when set, otherwise whatever
 * {@code testbed/scripts/build-binaries.sh} reports — which builds them from pinned Go modules the first
 * time (many minutes, progress on stderr) and answers at once from its cache afterwards.
 */
public final class TestbedBinaries {
  static final List<String> NAMES = List.of("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kwok", "kwokctl");

  private TestbedBinaries() {}

  public static Path locate() {
    String fromEnv = System.getenv("QONNECT_TESTBED_BIN");
    if (fromEnv != null && !fromEnv.isBlank() && complete(Path.of(fromEnv))) return Path.of(fromEnv);
    Path home = Path.of(System.getenv().getOrDefault("QONNECT_HOME", "."));
    Path script = home.resolve("testbed/scripts/build-binaries.sh");
    if (!Files.isRegularFile(script)) {
      throw new TestbedException("cannot find " + script + ": set QONNECT_HOME to the repository or QONNECT_TESTBED_BIN to the binaries");
    }
    try {
      Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) throw new TestbedException("building the testbed binaries failed (see the messages above)");
      Path bin = Path.of(out.lines().reduce((a, b) -> b).orElse("")).resolve("bin");
      if (!complete(bin)) throw new TestbedException("the testbed build reported " + bin + " but binaries are missing there");
      return bin;
    } catch (IOException e) {
      throw new TestbedException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestbedException("interrupted while building the testbed binaries", e);
    }
  }

  static boolean complete(Path bin) {
    return NAMES.stream().allMatch(n -> Files.isExecutable(bin.resolve(n)));
  }
}
