package io.qonnect.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * How every qonnect server reads its settings: command line over environment over defaults, with picocli. An options
 * class declares each flag with {@code defaultValue = "${env:NAME:-DEFAULT}"}; the environment is passed in (tests pass
 * their own), and values stay strings so the server's own checks can report every problem at once, each naming its
 * flag, instead of stopping at the first.
 */
public final class ServerFlags {
  private static final Pattern FROM_ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)(?::-(.*))?}");
  private static final Pattern HOST_PORT = Pattern.compile("[^:]+:\\d{1,5}");

  private ServerFlags() {}

  /**
   * Fills {@code options} (a picocli {@code @Command} object) from {@code args} over {@code env}.
   *
   * @return the problems picocli found (an unknown flag, a flag without its value); empty when none
   */
  public static List<String> parse(Object options, String[] args, Map<String, String> env) {
    CommandLine line = new CommandLine(options).setInterpolateVariables(false).setUnmatchedArgumentsAllowed(true)
        .setUnmatchedOptionsArePositionalParams(false);
    line.setDefaultValueProvider(arg -> {
      String declared = arg.defaultValue();
      if (declared == null) return null;
      Matcher m = FROM_ENV.matcher(declared);
      return m.matches() ? env.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2)) : declared;
    });
    List<String> problems = new ArrayList<>();
    try {
      List<String> unmatched = line.parseArgs(args).unmatched();
      for (int i = 0; i < unmatched.size(); i++) {
        String unknown = unmatched.get(i);
        if (unknown.startsWith("-")) {
          problems.add("unknown argument '" + unknown + "' (expected one of " + String.join(", ", flags(line)) + ")");
          if (i + 1 < unmatched.size() && !unmatched.get(i + 1).startsWith("-")) i++; // its value: nothing more to say
        } else {
          problems.add("unexpected value '" + unknown + "' (every setting is a --flag VALUE)");
        }
      }
    } catch (CommandLine.ParameterException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  private static List<String> flags(CommandLine line) {
    return line.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName).toList();
  }

  /** {@code value} as a positive number that fits an int; otherwise a problem naming {@code flag}, and 1. */
  public static long positive(List<String> problems, String flag, String value) {
    try {
      long n = Long.parseLong(value);
      if (n > 0 && n <= Integer.MAX_VALUE) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(flag + ": expected a positive number, got '" + value + "'");
    return 1;
  }

  /** {@code value} (HOST:PORT) as an address to listen on, or a problem naming {@code flag} and null. */
  public static java.net.InetSocketAddress listenAddress(List<String> problems, String flag, String value) {
    int colon = value.lastIndexOf(':');
    if (HOST_PORT.matcher(value).matches()) {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port <= 65535) return java.net.InetSocketAddress.createUnresolved(value.substring(0, colon), port);
    }
    problems.add(flag + ": expected HOST:PORT (port 0-65535), got '" + value + "'");
    return null;
  }

  /** Adds a problem naming {@code flag} unless {@code value} is HOST:PORT. */
  public static void hostPort(List<String> problems, String flag, String value) {
    if (!HOST_PORT.matcher(value).matches()) problems.add(flag + ": expected HOST:PORT, got '" + value + "'");
  }
}
