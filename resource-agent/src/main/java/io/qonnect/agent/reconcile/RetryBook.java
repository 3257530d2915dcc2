package io.qonnect.agent.reconcile;

import io.github.resilience4j.core.IntervalFunction;
import java.util.HashMap;
import java.util.Map;

/**
 * When to try an object again after the API server refused it: exponential backoff per object (1 s, 2 s, 4 s …
 * at most 60 s), so an object that keeps failing (403 for a kind RBAC does not grant, 422 for a bad body) costs
 * one request a minute instead of one a second, and holds up nothing else. A success forgets the object. Pure:
 * the caller passes its monotonic time; the intervals come from resilience4j's {@link IntervalFunction}.
 */
public final class RetryBook {
  /** Tries so far and the earliest monotonic time of the next one. */
  public record Entry(int failures, long notBeforeMillis) {}

  private final IntervalFunction backoff;
  private final Map<String, Entry> entries = new HashMap<>();

  public RetryBook(long initialMillis, long maxMillis) {
    this.backoff = IntervalFunction.ofExponentialBackoff(initialMillis, 2.0, maxMillis);
  }

  public static RetryBook standard() {
    return new RetryBook(1_000, 60_000);
  }

  /** Whether {@code key} may be tried at {@code nowMillis}: never failed, or its backoff has passed. */
  public synchronized boolean due(String key, long nowMillis) {
    Entry e = entries.get(key);
    return e == null || nowMillis >= e.notBeforeMillis();
  }

  /** @return the entry after this failure: one more failure, the next try one interval later */
  public synchronized Entry failed(String key, long nowMillis) {
    int failures = entries.containsKey(key) ? entries.get(key).failures() + 1 : 1;
    Entry e = new Entry(failures, nowMillis + backoff.apply(failures));
    entries.put(key, e);
    return e;
  }

  public synchronized void succeeded(String key) {
    entries.remove(key);
  }

  /** Forget objects no longer in any plan (their application left, or the object changed name). */
  public synchronized void retainOnly(java.util.Set<String> keys) {
    entries.keySet().retainAll(keys);
  }
}
