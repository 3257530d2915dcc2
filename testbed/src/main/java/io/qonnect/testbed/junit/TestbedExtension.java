package io.qonnect.testbed.junit;

import io.qonnect.testbed.cluster.MemberClusterSpec;
import io.qonnect.testbed.cluster.Testbed;
import io.qonnect.testbed.cluster.TestbedBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Backs {@link WithTestbed}. One testbed per layout per test run, in a fresh directory under
 * {@code target/} (never the user's own testbed), torn down when the run's root context closes.
 */
public final class TestbedExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestbedExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == TestbedClusters.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    String layout = c.getRequiredTestClass().getAnnotation(WithTestbed.class).clusters();
    return c.getRoot().getStore(NS).getOrComputeIfAbsent(layout, TestbedExtension::start, Running.class).clusters;
  }

  private static Running start(String layout) {
    List<MemberClusterSpec> specs = MemberClusterSpec.parseLayout(layout);
    try {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "testbed-");
      Testbed testbed = new Testbed(dir, TestbedBinaries.locate());
      testbed.up(specs, line -> System.out.println("[testbed] " + line));
      return new Running(testbed, new TestbedClusters(testbed, specs));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closed by JUnit when the test run ends: clients first, then every cluster and the directory. */
  private record Running(Testbed testbed, TestbedClusters clusters) implements AutoCloseable {
    @Override
    public void close() {
      clusters.close();
      testbed.down(line -> System.out.println("[testbed] " + line));
    }
  }
}
