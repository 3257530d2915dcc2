package io.qonnect.testbed.linearizability;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qonnect.client.ApiError;
import io.qonnect.client.LeadAgentsClient;
import io.qonnect.proto.v1.ApplyRequest;
import io.qonnect.proto.v1.DeleteApplicationRequest;
import io.qonnect.proto.v1.GetApplicationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrent clients calling the real client API — apply, describe, delete on a few applications of their own — and
 * recording each call for {@link LinearizabilityChecker}: what it did, what came back, invoke and return times. A
 * call whose outcome is unknown (no lead agent answered in time) is recorded as pending; a read that failed is left
 * out (it changed nothing); a write the lead agents refused outright (invalid, stale) never happened.
 */
public final class HistoryRecorder implements AutoCloseable {
  /** Every application a recorder touches is named with this prefix, so a drill can find and remove them. */
  public static final String PREFIX = "lin-";
  private static final Pattern TOKEN = Pattern.compile("image: registry\\.invalid/linearizability:(w[0-9-]+)");

  private final LeadAgentsClient client;
  private final List<String> keys;
  private final LongSupplier nanoTime;
  private final long seed;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Operation> history = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger writes = new AtomicInteger();

  /**
   * @param keys how many applications the clients share (few: contention is the point)
   * @param seed what each client does next (a history is not reproducible — the network decides — but its mix is)
   */
  public HistoryRecorder(LeadAgentsClient client, int clients, int keys, long seed, LongSupplier nanoTime) {
    this.client = client;
    this.nanoTime = nanoTime;
    this.seed = seed;
    this.keys = java.util.stream.IntStream.range(0, keys).mapToObj(i -> PREFIX + i).toList();
    removeAll(); // the checker starts from "no such application": a run cut short may have left some
    for (int c = 0; c < clients; c++) {
      int id = c;
      Random random = new Random(seed * 31 + c);
      start(() -> call(client, id, random));
    }
  }

  /**
   * One more client that only reads, and only through {@code pinned} (a client of one lead agent — say, the one about
   * to be cut off from the others): whatever that lead agent answers must be as new as what the others acknowledged.
   */
  public synchronized void addReader(LeadAgentsClient pinned) {
    int id = threads.size();
    Random random = new Random(seed * 31 + id);
    start(() -> read(pinned, id, keys.get(random.nextInt(keys.size()))));
  }

  private synchronized void start(Runnable call) {
    threads.add(Thread.ofPlatform().name("history-client-" + threads.size()).daemon().start(() -> {
      while (running.get()) call.run();
    }));
  }

  /** The spec a put writes: valid and small, its value told by the image tag. */
  public static String spec(String application, String token) {
    return "apiVersion: qonnect.io/v1\nkind: Application\nmetadata: {name: " + application + "}\nspec:\n  components:\n"
        + "    - name: web\n      replicas: 1\n      resources: {cpu: 10m, memory: 16Mi}\n      image: registry.invalid/linearizability:" + token + "\n";
  }

  private void call(LeadAgentsClient client, int id, Random random) {
    String key = keys.get(random.nextInt(keys.size()));
    int dice = random.nextInt(20);
    long invoke = nanoTime.getAsLong();
    if (dice < 9) {
      String token = "w" + id + "-" + writes.incrementAndGet();
      try {
        client.apply(ApplyRequest.newBuilder().setSpecYaml(spec(key, token)).setSourceName("history").build());
        record(new Operation(id, Operation.Kind.PUT, key, token, invoke, nanoTime.getAsLong()));
      } catch (StatusRuntimeException e) {
        if (unknownOutcome(e)) record(new Operation(id, Operation.Kind.PUT, key, token, invoke, Operation.PENDING));
      }
    } else if (dice < 17) {
      read(client, id, key);
    } else {
      try {
        client.deleteApplication(DeleteApplicationRequest.newBuilder().setName(key).build());
        record(new Operation(id, Operation.Kind.DELETE, key, null, invoke, nanoTime.getAsLong()));
      } catch (StatusRuntimeException e) {
        if (ApiError.of(e).kind() == ApiError.Kind.NOT_FOUND) {
          // gone when the delete ran — or an attempt the client retried had already deleted it: a delete either way
          record(new Operation(id, Operation.Kind.DELETE, key, null, invoke, nanoTime.getAsLong()));
        } else if (unknownOutcome(e)) {
          record(new Operation(id, Operation.Kind.DELETE, key, null, invoke, Operation.PENDING));
        }
      }
    }
  }

  private void read(LeadAgentsClient client, int id, String key) {
    long invoke = nanoTime.getAsLong();
    try {
      String yaml = client.call(s -> s.describeApplication(GetApplicationRequest.newBuilder().setName(key).build())).getSpecYaml();
      Matcher m = TOKEN.matcher(yaml);
      record(new Operation(id, Operation.Kind.GET, key, m.find() ? m.group(1) : "unreadable", invoke, nanoTime.getAsLong()));
    } catch (StatusRuntimeException e) {
      if (ApiError.of(e).kind() == ApiError.Kind.NOT_FOUND) record(new Operation(id, Operation.Kind.GET, key, null, invoke, nanoTime.getAsLong()));
    }
  }

  /** No answer, or an answer that does not say whether the write was committed: it may have happened. */
  private static boolean unknownOutcome(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED
        || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.ABORTED;
  }

  private synchronized void record(Operation op) {
    history.add(op);
  }

  /** Stops the clients (each finishes the call it is in, so its outcome is recorded) and returns the history. */
  public List<Operation> stop() {
    close();
    synchronized (this) {
      return List.copyOf(history);
    }
  }

  /** Deletes the clients' applications (those that exist). */
  public void removeAll() {
    for (String key : keys) {
      try {
        client.deleteApplication(DeleteApplicationRequest.newBuilder().setName(key).build());
      } catch (StatusRuntimeException e) {
        if (ApiError.of(e).kind() != ApiError.Kind.NOT_FOUND) throw e;
      }
    }
  }

  /** Stops the clients; each finishes the call it is in. */
  @Override
  public void close() {
    running.set(false);
    try {
      for (Thread t : threads) t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
