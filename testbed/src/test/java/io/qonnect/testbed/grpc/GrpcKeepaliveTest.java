package io.qonnect.testbed.grpc;

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
 * Every gRPC server and channel qonnect opens has keepalive, and every server permits the pings every client
 * sends. Each module keeps its numbers in its own GrpcKeepalive (no module is shared by all of them); this test,
 * in the one module that sees them all, keeps the copies in agreement.
 */
class GrpcKeepaliveTest {
  /** The repository: tests run in the module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BUILDER = Pattern.compile("(Server|Channel)Builder\\s*\\.\\s*for(Address|Port|Target)\\s*\\(");

  /** Builder calls in production sources that do not go through a GrpcKeepalive on the same line, as "file:line: code". */
  static List<String> buildersWithoutKeepalive() {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")
          && !f.toString().contains("/target/")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (BUILDER.matcher(line).find() && !line.contains("GrpcKeepalive.server(") && !line.contains("GrpcKeepalive.channel(")) {
            missing.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + line.trim());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return missing;
  }

  @Test
  void everyServerAndChannelHasKeepalive() {
    assertThat(ROOT.resolve("pom.xml")).as("the repository root").exists();
    assertThat(buildersWithoutKeepalive()).isEmpty();
  }

  /** One module's numbers; {@code permitMillis} 0: it runs no server. */
  record Numbers(String module, long pingMillis, long timeoutMillis, long permitMillis) {}

  static List<Numbers> everyModule() {
    return List.of(
        new Numbers("lead-agent", io.qonnect.lead.api.GrpcKeepalive.PING_MILLIS, io.qonnect.lead.api.GrpcKeepalive.TIMEOUT_MILLIS,
            io.qonnect.lead.api.GrpcKeepalive.PERMIT_MILLIS),
        new Numbers("knowledge-base", io.qonnect.kb.api.GrpcKeepalive.PING_MILLIS, io.qonnect.kb.api.GrpcKeepalive.TIMEOUT_MILLIS,
            io.qonnect.kb.api.GrpcKeepalive.PERMIT_MILLIS),
        new Numbers("resource-agent", io.qonnect.agent.GrpcKeepalive.PING_MILLIS, io.qonnect.agent.GrpcKeepalive.TIMEOUT_MILLIS,
            io.qonnect.agent.GrpcKeepalive.PERMIT_MILLIS),
        new Numbers("client", io.qonnect.client.GrpcKeepalive.PING_MILLIS, io.qonnect.client.GrpcKeepalive.TIMEOUT_MILLIS, 0));
  }

  /**
   * A server that permits pings less often than a client sends them answers with GOAWAY ENHANCE_YOUR_CALM
   * ("too_many_pings") and drops the connection: any client may talk to any server (agents and lead agents to
   * the knowledge base, agents to each other's probe servers, lead agents and the CLI to lead agents).
   */
  @Test
  void everyServerPermitsThePingsOfEveryClient() {
    for (Numbers server : everyModule().stream().filter(n -> n.permitMillis() > 0).toList()) {
      for (Numbers client : everyModule()) {
        assertThat(server.permitMillis()).as("%s's servers permit pings every %d ms; %s's clients ping every %d ms", server.module(),
            server.permitMillis(), client.module(), client.pingMillis()).isLessThanOrEqualTo(client.pingMillis());
      }
    }
  }

  @Test
  void theNumbersAreOnesGrpcKeeps() {
    for (Numbers n : everyModule()) {
      // gRPC raises a client's interval below 10 s to 10 s: a lower number would only mislead the reader
      assertThat(n.pingMillis()).as(n.module() + " ping").isGreaterThanOrEqualTo(10_000);
      assertThat(n.timeoutMillis()).as(n.module() + " timeout").isPositive().isLessThan(n.pingMillis());
    }
  }
}
