package io.qonnect.cli;

import io.qonnect.client.ApiError;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code qonnect}. Exit codes: 0 success, 1 invalid input or failure, 2 unschedulable; a request the
 * lead agents refused exits by the refusal's kind: 3 not found, 4 stale (the state moved on: read and retry),
 * 5 conflict, 6 unsupported (a rolling upgrade in progress), 7 forbidden, 8 lead agents unavailable.
 * User errors print one clear line, never a stack trace ({@code QONNECT_DEBUG=1} shows one).
 */
@Command(
    name = "qonnect",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand
    versionProvider = QonnectMain.Version.class,
    description = "Federated multi-cluster control plane: one QoS spec in, placement across member clusters out.",
    subcommands = {
      ValidateCommand.class, PlanCommand.class, ApplyCommand.class, GetCommand.class, DescribeCommand.class, DeleteCommand.class,
      EventsCommand.class, EventsCommand.Leader.class, ConsoleCommand.class, CertsCommand.class, ConfigCommand.class
    })
public final class QonnectMain implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int UNSCHEDULABLE = 2;
  public static final int NOT_FOUND = 3;
  public static final int STALE = 4;
  public static final int CONFLICT = 5;
  public static final int UNSUPPORTED = 6;
  public static final int FORBIDDEN = 7;
  public static final int UNAVAILABLE = 8;

  /** The exit code of a refused or failed API call, by its typed kind. */
  static int exitCode(ApiError.Kind kind) {
    return switch (kind) {
      case INVALID, INTERNAL -> FAILED;
      case NOT_FOUND -> NOT_FOUND;
      case STALE -> STALE;
      case CONFLICT -> CONFLICT;
      case UNSUPPORTED -> UNSUPPORTED;
      case FORBIDDEN -> FORBIDDEN;
      case UNAVAILABLE -> UNAVAILABLE;
    };
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    main(args, List.of());
  }

  /** @param more further subcommands (the testbed's: {@code testbed-cli/}) */
  public static void main(String[] args, List<Class<?>> more) {
    // the CLI itself logs only problems; the lead agent and knowledge base processes log at info to their files
    if (System.getProperty("qonnect.log.level") == null) System.setProperty("qonnect.log.level", "warn"); // read by logback.xml
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), more));
  }

  /** Runs one command line; the testable form of {@link #main}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, List.of());
  }

  public static int run(String[] args, PrintWriter out, PrintWriter err, List<Class<?>> more) {
    CommandLine cl = new CommandLine(new QonnectMain());
    more.forEach(cl::addSubcommand);
    cl.addSubcommand("help", new CommandLine.HelpCommand()); // last in the list
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((e, badArgs) -> {
      CommandLine where = e.getCommandLine();
      where.getErr().println("error: " + e.getMessage());
      where.getErr().println("see '" + where.getCommandSpec().qualifiedName() + " --help'");
      return FAILED;
    });
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof UserError u) {
        commandLine.getErr().println("error: " + u.getMessage());
        return u.exitCode;
      } else {
        commandLine.getErr().println("internal error: " + e);
        if (System.getenv("QONNECT_DEBUG") != null) e.printStackTrace(commandLine.getErr());
        else commandLine.getErr().println("(set QONNECT_DEBUG=1 to see the stack trace)");
      }
      return FAILED;
    });
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A problem the user can fix (a missing file, a bad flag value, a refused request): printed as one line. */
  public static final class UserError extends RuntimeException {
    final int exitCode;

    public UserError(String message) {
      this(message, FAILED);
    }

    public UserError(String message, int exitCode) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = QonnectMain.class.getPackage().getImplementationVersion();
      return new String[] {"qonnect " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
  }
}
