package io.qonnect.kb.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RocksDB key layout, in one place. One column family per record type:
 *
 * <pre>
 *   clusters          cluster name (UTF-8)                      → ClusterReport
 *   latency           from-cluster name (UTF-8)                 → LatencyReport
 *   readiness         cluster name (UTF-8)                      → ReadinessReport (components sorted)
 *   events            time millis (8 B, big-endian) · seq (8 B) → ObservedEvent
 *   events_by_subject subject (UTF-8) · 0x00 · time · seq       → (empty): index for history(subject)
 *   meta              "event-seq"                               → next event sequence number (8 B)
 * </pre>
 *
 * Big-endian numbers sort like the numbers, so a range scan over time is a range scan over keys. Names are
 * DNS-1123 (no 0x00), so the separator cannot occur inside a subject that the API accepted.
 */
final class Keys {
  static final String CLUSTERS = "clusters";
  static final String LATENCY = "latency";
  static final String READINESS = "readiness";
  static final String EVENTS = "events";
  static final String EVENTS_BY_SUBJECT = "events_by_subject";
  static final String META = "meta";
  static final byte[] EVENT_SEQ = utf8("event-seq");

  private Keys() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] event(long timeMillis, long seq) {
    return ByteBuffer.allocate(16).putLong(Math.max(0, timeMillis)).putLong(seq).array();
  }

  static byte[] subjectPrefix(String subject) {
    byte[] s = utf8(subject);
    return Arrays.copyOf(s, s.length + 1); // trailing 0x00 separator
  }

  static byte[] subjectEvent(String subject, long timeMillis, long seq) {
    byte[] prefix = subjectPrefix(subject);
    return ByteBuffer.allocate(prefix.length + 16).put(prefix).putLong(Math.max(0, timeMillis)).putLong(seq).array();
  }

  /** The events key that a subject-index key points to: its last 16 bytes. */
  static byte[] eventOfSubjectKey(byte[] subjectKey) {
    return Arrays.copyOfRange(subjectKey, subjectKey.length - 16, subjectKey.length);
  }

  static long longOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  static byte[] bytesOf(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }
}
