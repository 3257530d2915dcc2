package io.qonnect.testbed.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The server JVMs' options: a small heap and the serial collector unless {@code QONNECT_JAVA_OPTS} names others. */
class JvmOptionsTest {
  @Test
  void aHeapOrACollectorGivenReplacesTheDefaultOne() {
    assertThat(LocalFederation.jvmOptions(null)).containsExactly("-Xmx384m", "-XX:+UseSerialGC");
    assertThat(LocalFederation.jvmOptions(" -Xss1m ")).containsExactly("-Xmx384m", "-XX:+UseSerialGC", "-Xss1m");
    assertThat(LocalFederation.jvmOptions("-Xmx1g")).containsExactly("-XX:+UseSerialGC", "-Xmx1g");
    assertThat(LocalFederation.jvmOptions("-XX:+UseG1GC -Xmx1g")).as("the JVM refuses two collectors").containsExactly("-XX:+UseG1GC", "-Xmx1g");
  }

  /** The testbed's agents (and so `bench agent`'s measurements) run with the options a member cluster's agent is deployed with. */
  @Test
  void theTestbedsAgentsRunWithTheOptionsOfTheDeployedAgent() throws Exception {
    String deployment = Files.readString(Path.of("..", "deploy", "kubernetes", "resource-agent", "deployment.yaml"));
    String command = deployment.lines().filter(l -> l.strip().startsWith("command:")).findFirst().orElseThrow();
    for (String option : LocalFederation.AGENT_JVM_OPTIONS) assertThat(command).as("deploy/'s agent command").contains(" " + option + ",");
  }
}
