package io.qonnect.testbed.linearizability;

/**
 * One call to the client API as a client saw it: on which application, what it did, what came back, and when it was
 * invoked and returned (one monotonic clock for every client of a history).
 *
 * @param value what a put wrote; what a get read ({@code null}: the application did not exist); unused for a delete
 * @param returnNanos {@link #PENDING} when the outcome is unknown (a timeout, a lost connection): the call may have
 *     taken effect at any time after it was invoked, or never
 */
public record Operation(int client, Kind kind, String key, String value, long invokeNanos, long returnNanos) {
  public static final long PENDING = Long.MAX_VALUE;

  public enum Kind {
    /** apply: the application's spec becomes {@code value}. */
    PUT,
    /** get: read {@code value} ({@code null} when the application did not exist). */
    GET,
    /** delete: the application is gone afterwards (whether or not it existed). */
    DELETE
  }

  public Operation {
    if (returnNanos < invokeNanos) throw new IllegalArgumentException("returned before it was invoked: " + this);
  }

  public boolean pending() {
    return returnNanos == PENDING;
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case PUT -> "put " + value;
      case GET -> "get -> " + (value == null ? "absent" : value);
      case DELETE -> "delete";
    };
    return "client " + client + " " + key + ": " + what + " [" + invokeNanos + ", " + (pending() ? "pending" : returnNanos) + "]";
  }
}
