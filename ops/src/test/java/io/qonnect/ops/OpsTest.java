package io.qonnect.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OpsTest {
  private final AtomicLong now = new AtomicLong(1_000);

  private static HttpResponse<String> get(InetSocketAddress at, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aLoopThatKeepsFailingWithAnErrorTurnsLivenessRedAndOneGoodRoundTurnsItGreen() throws Exception {
    try (Ops ops = new Ops("test", now::get)) {
      InetSocketAddress at = ops.serve(new InetSocketAddress("127.0.0.1", 0));
      Loop loop = ops.loop("placement", 250);
      for (int i = 0; i < Ops.FAILURES_BEFORE_DEAD - 1; i++) loop.runOnce(() -> { throw new StackOverflowError("deep"); });
      assertThat(get(at, "/livez").statusCode()).as("a few failures are weather").isEqualTo(200);
      loop.runOnce(() -> { throw new StackOverflowError("deep"); });
      HttpResponse<String> red = get(at, "/livez");
      assertThat(red.statusCode()).isEqualTo(503);
      assertThat(red.body()).contains("placement: 5 rounds in a row failed, last: java.lang.StackOverflowError: deep");
      assertThat(get(at, "/readyz").statusCode()).isEqualTo(503);

      loop.runOnce(() -> { });
      assertThat(get(at, "/livez").statusCode()).isEqualTo(200);
      assertThat(get(at, "/metrics").body())
          .contains("qonnect_loop_seconds_count{loop=\"placement\",outcome=\"failed\",process=\"test\"} 5")
          .contains("qonnect_loop_seconds_count{loop=\"placement\",outcome=\"ok\",process=\"test\"} 1")
          .contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void aLoopCountsWhatItsRoundsAllocate() throws Exception {
    try (Ops ops = new Ops("test", now::get)) {
      Loop loop = ops.loop("placement", 250);
      byte[][] kept = new byte[1][];
      loop.runOnce(() -> kept[0] = new byte[16 << 20]);
      double bytes = ops.registry().get("qonnect.loop.allocated").tag("loop", "placement").counter().count();
      assertThat(bytes).as("a round that allocated 16 MiB").isBetween(16.0 * (1 << 20), 17.0 * (1 << 20));
      assertThat(kept[0]).hasSize(16 << 20);
    }
  }

  @Test
  void aLoopWhoseRoundsStopEndingIsDead() {
    try (Ops ops = new Ops("test", now::get)) {
      Loop loop = ops.loop("health", 250);
      loop.runOnce(() -> { });
      now.addAndGet(30_000);
      assertThat(ops.dead()).isEmpty();
      now.addAndGet(1);
      assertThat(ops.dead()).singleElement().asString().startsWith("health: no round ended for 30001 ms");
    }
  }

  @Test
  void aFailedRoundNeverEscapesItsLoop() throws Exception {
    try (Ops ops = new Ops("test", now::get)) {
      var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      AtomicLong rounds = new AtomicLong();
      ops.loop("report", 10).every(scheduler, 10, () -> {
        rounds.incrementAndGet();
        throw new OutOfMemoryError("pretend");
      });
      Thread.sleep(300);
      scheduler.shutdownNow();
      assertThat(rounds.get()).as("a task that throws out of a scheduler is never run again").isGreaterThan(2);
    }
  }
}
