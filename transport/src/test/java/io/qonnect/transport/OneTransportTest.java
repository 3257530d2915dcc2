package io.qonnect.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every gRPC server and channel qonnect opens is built by {@link Transport}: so each has keepalive and each is
 * mutual TLS unless {@code --insecure} was asked for. A builder anywhere else in production code would be a
 * plaintext port nobody decided on.
 */
class OneTransportTest {
  /** The repository: tests run in the module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BUILDER = Pattern.compile("(Server|Channel)Builder\\s*\\.\\s*for(Address|Port|Target)\\s*\\(|usePlaintext\\s*\\(");

  /** Builder calls in production sources outside Transport, as "file:line: code". */
  static List<String> buildersOutsideTransport() {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")
          && !f.toString().contains("/target/") && !f.endsWith("Transport.java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (BUILDER.matcher(lines.get(i)).find()) found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  @Test
  void everyServerAndChannelIsBuiltByTransport() {
    assertThat(ROOT.resolve("pom.xml")).as("the repository root").exists();
    assertThat(buildersOutsideTransport()).isEmpty();
  }

  /**
   * A server that permits pings less often than a client sends them answers with GOAWAY ENHANCE_YOUR_CALM
   * ("too_many_pings") and drops the connection; gRPC raises a client's interval below 10 s to 10 s.
   */
  @Test
  void keepaliveNumbersGrpcKeepsAndEveryServerPermitsThePings() {
    assertThat(GrpcKeepalive.PERMIT_MILLIS).isLessThanOrEqualTo(GrpcKeepalive.PING_MILLIS);
    assertThat(GrpcKeepalive.PING_MILLIS).isGreaterThanOrEqualTo(10_000);
    assertThat(GrpcKeepalive.TIMEOUT_MILLIS).isPositive().isLessThan(GrpcKeepalive.PING_MILLIS);
  }
}
