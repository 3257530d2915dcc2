package io.qonnect.testbed.cli;

import io.qonnect.cli.DefaultLeadAgents;
import io.qonnect.testbed.federation.LocalFederation;
import io.qonnect.transport.Transport;
import java.util.List;

/** The CLI's default lead agents: the local federation's ({@code qonnect federation up}), as its admin user. */
public final class LocalFederationLeadAgents implements DefaultLeadAgents {
  private final LocalFederation local = new LocalFederation(LocalFederation.defaultWorkDir(), "", List.of());

  @Override
  public List<String> addresses() {
    return local.leadAgentAddresses();
  }

  @Override
  public Transport transport() {
    return local.clientTransport();
  }
}
