package io.qonnect.testbed.cli;

import io.qonnect.cli.QonnectMain;
import java.io.PrintWriter;
import java.util.List;

/**
 * The {@code qonnect} command as {@code ./qonnect} runs it: the CLI's commands ({@link QonnectMain}) plus those that
 * start and drive the built-in testbed — member clusters, a local federation, drills, benchmarks, the simulation and
 * the demo. Kept apart so that the CLI itself reaches no server module.
 */
public final class QonnectWithTestbed {
  static final List<Class<?>> COMMANDS = List.of(FederationCommand.class, TestbedCommand.class, DemoCommand.class, BenchCommand.class,
      DrillCommand.class, SimCommand.class);

  private QonnectWithTestbed() {}

  public static void main(String[] args) {
    QonnectMain.main(args, COMMANDS);
  }

  /** Runs one command line; the testable form of {@link #main}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return QonnectMain.run(args, out, err, COMMANDS);
  }
}
