package io.qonnect.testbed.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a history against one register per key (an application's spec, or absent). Keys are independent, so each
 * key's history is checked alone (P-compositionality). Per key: Wing–Gong's search for an order of the operations
 * that respects real time and the register's rules, pruned by Lowe's cache of (operations linearized, register
 * value) already explored — the algorithm of Porcupine. Pure: no clock, no I/O.
 */
public final class LinearizabilityChecker {
  /** How many operations an anomaly shows: those up to where the history stops being linearizable. */
  static final int SHOWN = 12;

  /**
   * @param anomalies per key that has no linearization, the operations around where its history breaks (ordered by
   *     invocation): the last {@value #SHOWN} of the shortest prefix found that is not linearizable, the offending call last
   */
  public record Result(int operations, int keys, Map<String, List<Operation>> anomalies) {
    public boolean linearizable() {
      return anomalies.isEmpty();
    }
  }

  private LinearizabilityChecker() {}

  public static Result check(List<Operation> history) {
    Map<String, List<Operation>> byKey = new TreeMap<>();
    history.forEach(op -> byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op));
    Map<String, List<Operation>> anomalies = new TreeMap<>();
    byKey.forEach((key, ops) -> {
      if (!linearizable(ops)) anomalies.put(key, whereItBreaks(ops));
    });
    return new Result(history.size(), byKey.size(), anomalies);
  }

  /**
   * The last {@value #SHOWN} operations of a short prefix (by invocation) that is not linearizable, while the prefix one
   * shorter is: a binary search over prefix lengths, the whole history being the longest non-linearizable one.
   */
  private static List<Operation> whereItBreaks(List<Operation> ops) {
    List<Operation> byInvocation = ops.stream().sorted(Comparator.comparingLong(Operation::invokeNanos)).toList();
    int lo = 1;
    int hi = byInvocation.size();
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (linearizable(byInvocation.subList(0, mid))) lo = mid + 1;
      else hi = mid;
    }
    return byInvocation.subList(Math.max(0, hi - SHOWN), hi);
  }

  /** The register's rules: the value after {@code op} from {@code state}, or {@link #ILLEGAL} when {@code op} cannot happen there. */
  private static String step(String state, Operation op) {
    return switch (op.kind()) {
      case PUT -> op.value();
      case DELETE -> null;
      case GET -> Objects.equals(state, op.value()) ? state : ILLEGAL;
    };
  }

  private static final String ILLEGAL = new String("illegal"); // compared by identity

  /** One call or return event in a doubly linked list ordered by time; a call's {@code match} is its return. */
  private static final class Entry {
    final Operation op;
    final int id;
    final boolean call;
    final long time;
    Entry match;
    Entry prev;
    Entry next;

    Entry(Operation op, int id, boolean call, long time) {
      this.op = op;
      this.id = id;
      this.call = call;
      this.time = time;
    }
  }

  private record Explored(BitSet linearized, String state) {}

  private record Frame(Entry call, String stateBefore) {}

  static boolean linearizable(List<Operation> ops) {
    List<Entry> events = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      Entry call = new Entry(op, i, true, op.invokeNanos());
      Entry ret = new Entry(op, i, false, op.returnNanos());
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // by time; at equal times calls before returns (touching intervals count as concurrent)
    events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
    Entry head = new Entry(null, -1, false, Long.MIN_VALUE);
    Entry last = head;
    for (Entry e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }
    String state = null; // no application before the history
    BitSet linearized = new BitSet(ops.size());
    Set<Explored> cache = new HashSet<>();
    Deque<Frame> calls = new ArrayDeque<>();
    Entry entry = head.next;
    while (head.next != null) {
      if (entry == null) return false; // nothing left to try at this level (cannot happen with matched returns; defensive)
      if (entry.call) {
        String after = step(state, entry.op);
        if (after != ILLEGAL) {
          BitSet next = (BitSet) linearized.clone();
          next.set(entry.id);
          if (cache.add(new Explored(next, after))) {
            calls.push(new Frame(entry, state));
            state = after;
            linearized = next;
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        // a return whose call is not linearized yet: undo the last choice and try the next candidate
        if (calls.isEmpty()) return false;
        Frame undo = calls.pop();
        state = undo.stateBefore();
        linearized = (BitSet) linearized.clone();
        linearized.clear(undo.call().id);
        unlift(undo.call());
        entry = undo.call().next;
      }
    }
    return true;
  }

  /** Takes a call and its return out of the list. */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) call.next.prev = call.prev;
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) ret.next.prev = ret.prev;
  }

  /** Puts them back where they were (the reverse of {@link #lift}). */
  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) ret.next.prev = ret;
    call.prev.next = call;
    if (call.next != null) call.next.prev = call;
  }
}
