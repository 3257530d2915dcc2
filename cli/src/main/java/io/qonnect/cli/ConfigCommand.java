package io.qonnect.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code qonnect config}: the CLI's contexts (which lead agents, as whom), as kubectl's config commands. */
@Command(name = "config", description = "The CLI's contexts: which lead agents to talk to and as whom (see CliConfig).",
    subcommands = {ConfigCommand.GetContexts.class, ConfigCommand.UseContext.class, ConfigCommand.SetContext.class})
final class ConfigCommand implements Runnable {
  @Option(names = "--config", paramLabel = "FILE", description = "the config file (default $QONNECT_CONFIG or ~/.qonnect/config)")
  Path file;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  Path path() {
    return file != null ? file : CliConfig.defaultPath();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "get-contexts", description = "List the contexts; * marks the current one.")
  static final class GetContexts implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Override
    public Integer call() {
      CliConfig config = CliConfig.load(parent.path());
      PrintWriter out = parent.spec.commandLine().getOut();
      out.printf("%-8s %-20s %-50s %s%n", "CURRENT", "NAME", "SERVERS", "AS");
      for (CliConfig.Context c : config.contexts) {
        out.printf("%-8s %-20s %-50s %s%n", c.name().equals(config.currentContext) ? "*" : "", c.name(), String.join(",", c.servers()),
            c.insecure() ? "(insecure)" : c.cert() == null ? "(local federation's admin)" : c.cert());
      }
      return QonnectMain.OK;
    }
  }

  @Command(name = "use-context", description = "Make a context the current one.")
  static final class UseContext implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() {
      CliConfig config = CliConfig.load(parent.path());
      if (config.context(name).isEmpty()) throw new QonnectMain.UserError("no context named '" + name + "' in " + parent.path()
          + " (contexts: " + config.contexts.stream().map(CliConfig.Context::name).toList() + ")");
      config.currentContext = name;
      config.save(parent.path());
      parent.spec.commandLine().getOut().println("current context: " + name);
      return QonnectMain.OK;
    }
  }

  @Command(name = "set-context", description = "Create or replace a context (the first one also becomes current).")
  static final class SetContext implements Callable<Integer> {
    @ParentCommand ConfigCommand parent;

    @Parameters(paramLabel = "NAME") String name;

    @Option(names = "--server", split = ",", paramLabel = "HOST:PORT", required = true, description = "the lead agents' client API addresses")
    List<String> servers;

    @Option(names = "--ca", paramLabel = "FILE") Path ca;
    @Option(names = "--cert", paramLabel = "FILE") Path cert;
    @Option(names = "--key", paramLabel = "FILE") Path key;
    @Option(names = "--insecure", description = "plaintext (a federation started with --insecure)") boolean insecure;

    @Override
    public Integer call() {
      if (!name.matches("[A-Za-z0-9][-A-Za-z0-9_.]{0,62}")) throw new QonnectMain.UserError("NAME: '" + name + "' is not a context name (letters, digits, - _ .)");
      boolean files = ca != null || cert != null || key != null;
      if (insecure && files) throw new QonnectMain.UserError("--insecure: cannot be combined with --ca/--cert/--key");
      if (!insecure && (ca == null || cert == null || key == null)) throw new QonnectMain.UserError("--ca, --cert and --key: all three, or --insecure");
      CliConfig config = CliConfig.load(parent.path());
      config.put(new CliConfig.Context(name, servers, abs(ca), abs(cert), abs(key), insecure));
      if (config.currentContext == null) config.currentContext = name;
      config.save(parent.path());
      parent.spec.commandLine().getOut().println("context " + name + " set in " + parent.path());
      return QonnectMain.OK;
    }

    private static String abs(Path p) {
      return p == null ? null : p.toAbsolutePath().toString();
    }
  }
}
