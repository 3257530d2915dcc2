package io.qonnect.placement.spec;

import java.util.List;

/** The outcome of reading user input: a valid value, or every violation found. */
public sealed interface Parsed<T> {
  record Valid<T>(T value) implements Parsed<T> {}

  record Invalid<T>(List<Violation> violations) implements Parsed<T> {
    public Invalid {
      violations = List.copyOf(violations);
      if (violations.isEmpty()) throw new IllegalArgumentException("Invalid needs at least one violation");
    }
  }
}
