package io.qonnect.lead.placing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qonnect.lead.state.Command;
import io.qonnect.lead.state.CommandResult;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A {@link Proposer} that measures what the controllers propose: how long each command takes from proposal to applied
 * result ({@code qonnect_commit_seconds{command,outcome}}), the placement decisions by trigger and outcome
 * ({@code qonnect_placement_decisions_total}) and the committed health verdicts by member cluster and health
 * ({@code qonnect_health_verdicts_total}). Outcomes: {@code accepted}, {@code rejected_KIND} (the state refused it:
 * stale, conflict, …) or {@code failed} (not committed: no leader reachable).
 */
public final class MeteredProposer implements Proposer {
  private final Proposer proposer;
  private final MeterRegistry registry;
  private final LongSupplier nanoTime;

  public MeteredProposer(Proposer proposer, MeterRegistry registry, LongSupplier nanoTime) {
    this.proposer = proposer;
    this.registry = registry;
    this.nanoTime = nanoTime;
  }

  @Override
  public CompletableFuture<CommandResult> propose(Command command, long decidedInTerm) {
    long start = nanoTime.getAsLong();
    return proposer.propose(command, decidedInTerm).whenComplete((result, failure) -> {
      String outcome = failure != null ? "failed"
          : result instanceof CommandResult.Rejected r ? "rejected_" + r.kind().name().toLowerCase(Locale.ROOT) : "accepted";
      Timer.builder("qonnect.commit").description("controllers' proposals, from proposal to applied result").publishPercentileHistogram()
          .tag("command", command.getClass().getSimpleName()).tag("outcome", outcome).register(registry)
          .record(nanoTime.getAsLong() - start, TimeUnit.NANOSECONDS);
      switch (command) {
        case Command.CommitPlacement p -> Counter.builder("qonnect.placement.decisions").description("placement decisions proposed, by trigger and outcome")
            .tag("trigger", p.trigger().name().toLowerCase(Locale.ROOT)).tag("outcome", outcome).register(registry).increment();
        case Command.SetClusterHealths h -> {
          if (outcome.equals("accepted")) h.verdicts().forEach(this::verdict);
        }
        case Command.SetClusterHealth h -> {
          if (outcome.equals("accepted")) verdict(h);
        }
        default -> { }
      }
    });
  }

  private void verdict(Command.SetClusterHealth v) {
    Counter.builder("qonnect.health.verdicts").description("health verdicts committed, by member cluster and health")
        .tag("cluster", v.cluster().value()).tag("health", v.health().name().toLowerCase(Locale.ROOT)).register(registry).increment();
  }
}
