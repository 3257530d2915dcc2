package io.qonnect.lead.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.qonnect.lead.health.HealthRules.Signals;
import io.qonnect.lead.health.HealthRules.Verdict;
import io.qonnect.lead.state.ClusterHealth;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthRulesTest {
  private final HealthRules rules = new HealthRules(new HealthRules.Config(1000, 1500, 3000));
  private ClusterHealth health = ClusterHealth.HEALTHY;

  private static Signals fine(long lastHeartbeat) {
    return new Signals(lastHeartbeat, true, 3, 3, true);
  }

  /** Evaluates every 250 ms from {@code from} to {@code to}; applies each verdict as the leader would commit it. */
  private Optional<Verdict> run(long from, long to, java.util.function.LongFunction<Signals> signals) {
    Optional<Verdict> last = Optional.empty();
    for (long t = from; t <= to; t += 250) {
      Optional<Verdict> v = rules.evaluate("fog-1", health, signals.apply(t), t);
      if (v.isPresent()) {
        health = v.get().health();
        last = v;
      }
    }
    return last;
  }

  @Test
  void aSilentAgentMakesItsClusterSuspectThenFailed() {
    run(0, 2000, t -> fine(t));
    assertThat(health).isEqualTo(ClusterHealth.HEALTHY);
    // the last heartbeat at 2000: silent from 3000 (Suspect), Failed once 1500 ms of silence accumulated
    assertThat(run(2250, 2750, t -> fine(2000))).isEmpty();
    assertThat(run(3000, 3000, t -> fine(2000))).map(Verdict::health).contains(ClusterHealth.SUSPECT);
    assertThat(run(3250, 4000, t -> fine(2000))).isEmpty();
    Verdict failed = run(4250, 4250, t -> fine(2000)).orElseThrow();
    assertThat(failed.health()).isEqualTo(ClusterHealth.FAILED);
    assertThat(failed.reason()).startsWith("agent silent for 2.").contains("peers still reach it");
  }

  @Test
  void reasonsTellAnAgentCutOffFromAClusterGone() {
    Optional<Verdict> gone = rules.evaluate("fog-1", health, new Signals(0, true, 3, 3, false), 5000);
    assertThat(gone.orElseThrow().reason()).contains("agent or cluster gone");
    assertThat(rules.evaluate("edge-1", health, new Signals(5000, false, 3, 3, true), 5000).orElseThrow().reason())
        .isEqualTo("API server unreachable from the agent: cluster down");
    assertThat(rules.evaluate("cloud-1", health, new Signals(5000, true, 0, 4, true), 5000).orElseThrow().reason())
        .isEqualTo("all 4 nodes NotReady");
  }

  @Test
  void aFlappingClusterDoesNotRestartItsClockOnEveryBlip() {
    // unreachable API server for 1 s, fine for 1 s, over and over: never 1.5 s in a row, Failed anyway
    run(0, 8000, t -> new Signals(t, (t / 1000) % 2 == 1, 3, 3, true));
    assertThat(health).isEqualTo(ClusterHealth.FAILED);
  }

  @Test
  void aClusterIsHealthyAgainOnlyAfterTheRecoveryTime() {
    run(0, 3000, t -> new Signals(t, false, 3, 3, true));
    assertThat(health).isEqualTo(ClusterHealth.FAILED);
    run(3250, 6000, t -> fine(t));
    assertThat(health).as("2.75 s without a problem").isEqualTo(ClusterHealth.FAILED);
    assertThat(run(6250, 6250, t -> fine(t)).orElseThrow().health()).isEqualTo(ClusterHealth.HEALTHY);
  }

  @Test
  void aPauseOfTheLeaderCountsAsOneRoundNotAsTheWholeGap() {
    run(0, 2000, t -> fine(t));
    // the leader stalls 2.5 s (a GC pause, a stopped VM): its first round after it sees every heartbeat as old,
    // but it observed nothing in between; one round's worth of unhealthy time, not 2.5 s, so Suspect, not Failed
    Optional<Verdict> v = rules.evaluate("fog-1", health, fine(2000), 4500);
    assertThat(v).map(Verdict::health).contains(ClusterHealth.SUSPECT);
    assertThat(rules.unhealthyMillis("fog-1")).isLessThanOrEqualTo(HealthRules.MAX_ROUND_GAP_MILLIS);
  }
}
