package io.qonnect.kb;

import io.qonnect.ops.Logs;
import io.qonnect.transport.ServerFlags;
import io.qonnect.transport.Transport;
import io.qonnect.transport.TransportFlags;
import io.qonnect.transport.TransportOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The knowledge base process's settings: command line over environment over defaults ({@link ServerFlags}), and the
 * transport's ({@link TransportFlags}).
 */
public record KnowledgeBaseConfig(String host, int port, Path dataDir, boolean inMemory, java.net.InetSocketAddress metricsAddress, Transport transport,
    Logs.Format logFormat, Duration historyRetention) {
  public static final String DEFAULT_LISTEN = "127.0.0.1:7100";

  @Command(name = "knowledge-base")
  static final class Options {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:QONNECT_KB_LISTEN:-" + DEFAULT_LISTEN + "}")
    String listen;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:QONNECT_KB_DATA_DIR:-}", description = "RocksDB's directory")
    String dataDir;

    @Option(names = "--in-memory", description = "keep observations in memory only (tests)")
    boolean inMemory;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", defaultValue = "${env:QONNECT_METRICS_ADDRESS:-127.0.0.1:9465}",
        description = "/metrics, /livez, /readyz over plain HTTP")
    String metricsAddress;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:QONNECT_LOG_FORMAT:-text}", description = "one line per event, for people or as JSON")
    String logFormat;

    @Option(names = "--history-retention", paramLabel = "N(s|m|h|d)", defaultValue = "${env:QONNECT_KB_HISTORY_RETENTION:-7d}",
        description = "events older than this are removed from the history (checked every minute); 0 keeps them forever")
    String historyRetention;

    @Mixin
    TransportOptions transport = new TransportOptions();
  }

  /** Reads the settings; every problem is reported at once. */
  public static KnowledgeBaseConfig load(String[] args, Map<String, String> env) {
    Options o = new Options();
    List<String> problems = new java.util.ArrayList<>(ServerFlags.parse(o, args, env));
    int colon = o.listen.lastIndexOf(':');
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(o.listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (colon <= 0 || port < 0 || port > 65535) problems.add("--listen: expected HOST:PORT, got '" + o.listen + "'");
    if (!o.inMemory && o.dataDir.isEmpty()) problems.add("--data-dir: required unless --in-memory");
    var metrics = ServerFlags.listenAddress(problems, "--metrics-address", o.metricsAddress);
    Transport transport = o.transport.transport(problems);
    Logs.Format logFormat = Logs.Format.parse(problems, "--log-format", o.logFormat);
    Duration retention = duration(problems, "--history-retention", o.historyRetention);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    return new KnowledgeBaseConfig(o.listen.substring(0, colon), port, o.dataDir.isEmpty() ? null : Path.of(o.dataDir), o.inMemory, metrics, transport, logFormat,
        retention);
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd]?)");

  /** "0", or a whole number with a unit: 90s, 30m, 12h, 7d. */
  static Duration duration(List<String> problems, String flag, String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches() || (m.group(2).isEmpty() && !m.group(1).equals("0"))) {
      problems.add(flag + ": expected a whole number with a unit (s, m, h, d), e.g. 7d, or 0 for forever; got '" + value + "'");
      return Duration.ZERO;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ZERO;
    };
  }
}
