package io.qonnect.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class ServerFlagsTest {
  @Command(name = "server")
  static final class Options {
    @Option(names = "--listen", defaultValue = "${env:TEST_LISTEN:-127.0.0.1:7100}") String listen;
    @Option(names = "--name", defaultValue = "${env:TEST_NAME:-}") String name;
    @Mixin TransportOptions transport = new TransportOptions();
  }

  @Test
  void flagsOverTheEnvironmentOverDefaults() {
    Options o = new Options();
    assertThat(ServerFlags.parse(o, new String[] {"--name", "a"}, Map.of("TEST_NAME", "b", "TEST_LISTEN", "0.0.0.0:1", "QONNECT_INSECURE", "true")))
        .isEmpty();
    assertThat(o.name).isEqualTo("a");
    assertThat(o.listen).isEqualTo("0.0.0.0:1");
    assertThat(o.transport.transport(new ArrayList<>())).isInstanceOf(Transport.Insecure.class);

    Options defaults = new Options();
    assertThat(ServerFlags.parse(defaults, new String[] {"--insecure"}, Map.of())).isEmpty();
    assertThat(defaults.listen).isEqualTo("127.0.0.1:7100");
    assertThat(defaults.name).isEmpty();
    assertThat(defaults.transport.transport(new ArrayList<>())).isInstanceOf(Transport.Insecure.class);
  }

  @Test
  void unknownFlagsAndStrayValuesAreProblemsNotExceptions() {
    assertThat(ServerFlags.parse(new Options(), new String[] {"--colour", "blue", "--name", "a", "stray"}, Map.of()))
        .containsExactly("unknown argument '--colour' (expected one of --listen, --name, --ca, --cert, --key, --insecure)",
            "unexpected value 'stray' (every setting is a --flag VALUE)");
    assertThat(ServerFlags.parse(new Options(), new String[] {"--name"}, Map.of())).singleElement().asString().contains("--name");
  }

  @Test
  void numbersAndAddressesNameTheirFlag() {
    List<String> problems = new ArrayList<>();
    assertThat(ServerFlags.positive(problems, "--lease", "3000")).isEqualTo(3000);
    ServerFlags.positive(problems, "--lease", "-1");
    ServerFlags.hostPort(problems, "--listen", "nowhere");
    ServerFlags.hostPort(problems, "--listen", "host:80");
    assertThat(problems).containsExactly("--lease: expected a positive number, got '-1'", "--listen: expected HOST:PORT, got 'nowhere'");
  }
}
