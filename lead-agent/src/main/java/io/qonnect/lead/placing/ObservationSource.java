package io.qonnect.lead.placing;

import io.qonnect.proto.v1.ObservationSnapshot;

/**
 * Where the controller gets observations: the knowledge base. Never fails: when the source is unreachable it
 * answers with the last snapshot it got and says it is degraded.
 */
public interface ObservationSource {
  /** Fetches the newest snapshot (the placement controller, once per round). */
  ObservationSnapshot latest();

  /** The snapshot the last {@link #latest()} returned, without asking the source: for frequent readers. */
  ObservationSnapshot cached();

  /**
   * The cached snapshot if it was fetched at most {@code maxAgeMillis} ago, else {@link #latest()}: for readers that
   * want fresh observations but may come many times a second (the client API's reads and watches). A source without
   * a cache fetches every time.
   */
  default ObservationSnapshot recent(long maxAgeMillis) {
    return latest();
  }

  boolean degraded();
}
