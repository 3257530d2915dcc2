package io.qonnect.lead.state;

import io.qonnect.proto.v1.Diagnosis;

/** The stored diagnosis of an unschedulable application (typed, {@code qonnect.v1.Diagnosis}): none, its headline, and older entries' text. */
public final class Diagnoses {
  /** No diagnosis: the last decision found a placement. */
  public static final Diagnosis NONE = Diagnosis.getDefaultInstance();
  private static final String UNSCHEDULABLE = ": unschedulable: ";

  private Diagnoses() {}

  /** A diagnosis without per-component detail (e.g. the stored spec no longer validates); "" is {@link #NONE}. */
  public static Diagnosis summaryOnly(String summary) {
    return summary.isEmpty() ? NONE : Diagnosis.newBuilder().setSummary(summary).build();
  }

  /** What events and one-line listings show, and what entries before 0.4 stored as the first line: {@code APP: unschedulable: SUMMARY}. */
  public static String headline(String application, Diagnosis d) {
    return NONE.equals(d) ? "" : application + UNSCHEDULABLE + d.getSummary();
  }

  /**
   * The diagnosis of an entry or snapshot: its structured form, or for one written before 0.4 the summary read out of its
   * rendered text ({@code APP: unschedulable: SUMMARY} and one line per component).
   */
  public static Diagnosis read(String application, String text, boolean hasDetail, Diagnosis detail) {
    if (hasDetail) return detail;
    String first = text.lines().findFirst().orElse("");
    String prefix = application + UNSCHEDULABLE;
    return summaryOnly(first.startsWith(prefix) ? first.substring(prefix.length()) : first);
  }
}
