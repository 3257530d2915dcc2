package io.qonnect.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryBookTest {
  @Test
  void aFailingObjectWaitsTwiceAsLongEachTimeUpToTheMaximum() {
    RetryBook book = new RetryBook(1_000, 8_000);
    assertThat(book.due("ConfigMap/a/x", 0)).isTrue();
    assertThat(book.failed("ConfigMap/a/x", 0).notBeforeMillis()).isEqualTo(1_000);
    assertThat(book.due("ConfigMap/a/x", 999)).isFalse();
    assertThat(book.due("ConfigMap/a/x", 1_000)).isTrue();
    assertThat(book.failed("ConfigMap/a/x", 1_000).notBeforeMillis()).isEqualTo(3_000);
    assertThat(book.failed("ConfigMap/a/x", 3_000).notBeforeMillis()).isEqualTo(7_000);
    assertThat(book.failed("ConfigMap/a/x", 7_000).notBeforeMillis()).isEqualTo(15_000);
    assertThat(book.failed("ConfigMap/a/x", 15_000).notBeforeMillis()).as("at most the maximum").isEqualTo(23_000);
  }

  @Test
  void objectsBackOffIndependentlyAndASuccessForgets() {
    RetryBook book = new RetryBook(1_000, 60_000);
    book.failed("Role/b/r", 0);
    assertThat(book.due("ConfigMap/a/x", 0)).as("another object is not held up").isTrue();
    book.succeeded("Role/b/r");
    assertThat(book.due("Role/b/r", 0)).isTrue();
    assertThat(book.failed("Role/b/r", 0).failures()).as("counting starts over").isEqualTo(1);
  }

  @Test
  void objectsNoLongerPlannedAreForgotten() {
    RetryBook book = new RetryBook(1_000, 60_000);
    book.failed("Role/b/r", 0);
    book.failed("ConfigMap/a/x", 0);
    book.retainOnly(Set.of("ConfigMap/a/x"));
    assertThat(book.due("Role/b/r", 0)).isTrue();
    assertThat(book.due("ConfigMap/a/x", 0)).isFalse();
  }
}
