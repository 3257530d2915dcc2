package io.qonnect.placement.spec;

import java.util.List;

/** The outcome of reading user input: a valid value, or every violation found. */
public sealed interface Parsed<T> {
  record Valid<T>(T value) implements Parsed<T> {}

  /** Every violation, in the order they appear in the source (those without a line first). */
  record Invalid<T>(List<Violation> violations) implements Parsed<T> {
    public Invalid {
      violations = violations.stream()
          .sorted(java.util.Comparator.comparingInt(Violation::line).thenComparingInt(Violation::column).thenComparing(Violation::path))
          .toList();
      if (violations.isEmpty()) throw new IllegalArgumentException("Invalid needs at least one violation");
    }
  }
}
