package io.qonnect.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * How a qonnect process logs (logback behind SLF4J), set once at start: one line per event on standard error, as text
 * for people or as JSON for a log pipeline ({@code --log-format json}, which deploy/ sets). Events carry the MDC keys
 * the code sets where it acts for one of them — {@value #APPLICATION}, {@value #CLUSTER}, {@value #TERM} — and every
 * event of a process carries its role ({@code process}; and a lead agent's id, a resource agent's member cluster) as
 * context properties.
 *
 * <pre>
 *   text  14:02:11.532 INFO  [placement] PlacementController {application=shop, term=3} - shop: decision committed: failover…
 *   json  {"timestamp":1764511331532,"level":"INFO","threadName":"placement","loggerName":"io.qonnect.lead.placing.PlacementController",
 *          "context":{"properties":{"process":"lead-agent","leadAgent":"lead-1"},…},"mdc":{"application":"shop","term":"3"},
 *          "formattedMessage":"shop: decision committed: …"}
 * </pre>
 *
 * Without a call here (the CLI, tests) the defaults in {@code logback.xml} apply: text, INFO (the libraries' warnings),
 * or the level in the system property {@code qonnect.log.level} (the CLI sets {@code warn}).
 */
public final class Logs {
  public static final String APPLICATION = "application";
  public static final String CLUSTER = "cluster";
  public static final String TERM = "term";

  public enum Format {
    TEXT, JSON;

    /** {@code text} or {@code json}; anything else is a problem naming the flag. */
    public static Format parse(List<String> problems, String flag, String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default -> {
          problems.add(flag + ": expected text or json, got '" + value + "'");
          yield TEXT;
        }
      };
    }
  }

  /** Libraries that say too much at INFO: their warnings only, except what matters (elections). */
  private static final Map<String, Level> LEVELS = Map.of(
      "org.apache.ratis", Level.WARN,
      "org.apache.ratis.server.RaftServer$Division", Level.INFO,
      "io.grpc", Level.WARN,
      "io.netty", Level.WARN,
      "io.fabric8", Level.WARN,
      "org.rocksdb", Level.WARN);

  private Logs() {}

  /**
   * Replaces the logging setup of this process: INFO and above, in {@code format}.
   *
   * @param process the role ({@code lead-agent}, {@code knowledge-base}, {@code resource-agent})
   * @param properties more context for every event (a resource agent's member cluster)
   */
  public static void configure(String process, Format format, Map<String, String> properties) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return; // another SLF4J provider: its own setup
    context.reset();
    context.putProperty("process", process); // (a context's name can be set once only: a property can be replaced)
    properties.forEach(context::putProperty);
    Encoder<ILoggingEvent> encoder = switch (format) {
      case TEXT -> {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        // the MDC in braces only when it holds something
        text.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0}%replace( {%mdc}){' \\{\\}', ''} - %msg%n");
        yield text;
      }
      case JSON -> {
        JsonEncoder json = new JsonEncoder();
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        yield json;
      }
    };
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    LEVELS.forEach((logger, level) -> context.getLogger(logger).setLevel(level));
  }

  /**
   * Sets MDC keys on this thread until closed, for what is logged on behalf of one application, member cluster or term:
   * {@code try (var mdc = Logs.context(Logs.APPLICATION, "shop", Logs.TERM, "3")) { LOG.info(…); }}
   */
  public static Context context(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values in pairs");
    for (int i = 0; i < keysAndValues.length; i += 2) MDC.put(keysAndValues[i], keysAndValues[i + 1]);
    return new Context(keysAndValues);
  }

  /** The MDC keys a {@link #context} call set; closing removes them. */
  public static final class Context implements AutoCloseable {
    private final String[] keysAndValues;

    private Context(String[] keysAndValues) {
      this.keysAndValues = keysAndValues;
    }

    @Override
    public void close() {
      for (int i = 0; i < keysAndValues.length; i += 2) MDC.remove(keysAndValues[i]);
    }
  }

  /** Only warnings and errors from here on (a CLI command, the simulation: the controllers it runs say a lot). */
  public static void quiet() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
  }
}
