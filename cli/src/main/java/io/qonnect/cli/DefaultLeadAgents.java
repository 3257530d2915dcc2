package io.qonnect.cli;

import io.qonnect.transport.Transport;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The lead agents the CLI talks to when neither flags nor a context name any, and as whom. The CLI alone knows none;
 * the testbed's commands ({@code testbed-cli/}) provide the local federation started by {@code qonnect federation up}
 * (its admin user), found with a {@link ServiceLoader} so that this module reaches no server module.
 */
public interface DefaultLeadAgents {
  /** Their client API addresses; empty when none run. */
  List<String> addresses();

  /** How to talk to them; an {@link IllegalArgumentException} says what is missing. */
  Transport transport();

  static Optional<DefaultLeadAgents> find() {
    return ServiceLoader.load(DefaultLeadAgents.class).findFirst();
  }
}
