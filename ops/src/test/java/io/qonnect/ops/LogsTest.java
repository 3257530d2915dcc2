package io.qonnect.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a server's log lines hold, in both formats, with the MDC a controller sets for one application. */
class LogsTest {
  private static final Logger LOG = LoggerFactory.getLogger(LogsTest.class);
  private final PrintStream stderr = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private List<String> logTwice(Logs.Format format) {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    Logs.configure("lead-agent", format, Map.of("leadAgent", "lead-1"));
    try (var mdc = Logs.context(Logs.APPLICATION, "shop", Logs.TERM, "3")) {
      LOG.info("{}: decision committed: {}", "shop", "failover");
    }
    LOG.info("no application here");
    LoggerFactory.getLogger("org.apache.ratis.grpc.GrpcFactory").info("every setting at start");
    System.setErr(stderr);
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @AfterEach
  void restore() {
    System.setErr(stderr);
    Logs.configure("test", Logs.Format.TEXT, Map.of());
  }

  @Test
  void jsonLinesCarryTheMessageTheMdcAndTheProcess() throws Exception {
    List<String> lines = logTwice(Logs.Format.JSON);
    assertThat(lines).as("Ratis's INFO is below its level").hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("loggerName").asText()).isEqualTo(LogsTest.class.getName());
    assertThat(first.path("formattedMessage").asText()).isEqualTo("shop: decision committed: failover");
    assertThat(first.path("mdc").path(Logs.APPLICATION).asText()).isEqualTo("shop");
    assertThat(first.path("mdc").path(Logs.TERM).asText()).isEqualTo("3");
    assertThat(first.path("context").path("properties").path("process").asText()).isEqualTo("lead-agent");
    assertThat(first.path("context").path("properties").path("leadAgent").asText()).isEqualTo("lead-1");
    JsonNode second = new ObjectMapper().readTree(lines.get(1));
    assertThat(second.path("mdc").has(Logs.APPLICATION)).as("closed with its try block").isFalse();
  }

  @Test
  void textLinesShowTheMdcOnlyWhenThereIsOne() {
    List<String> lines = logTwice(Logs.Format.TEXT);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] LogsTest \\{application=shop, term=3} - shop: decision committed: failover");
    assertThat(lines.get(1)).endsWith("] LogsTest - no application here");
  }

  @Test
  void anUnknownFormatIsAProblemNamingTheFlag() {
    List<String> problems = new ArrayList<>();
    assertThat(Logs.Format.parse(problems, "--log-format", "JSON")).isEqualTo(Logs.Format.JSON);
    Logs.Format.parse(problems, "--log-format", "xml");
    assertThat(problems).containsExactly("--log-format: expected text or json, got 'xml'");
  }
}
