package io.qonnect.testbed.cluster;

/** The testbed could not do what was asked (a process failed, a cluster did not come up); the message says what. */
public final class TestbedException extends RuntimeException {
  public TestbedException(String message) {
    super(message);
  }

  public TestbedException(String message, Throwable cause) {
    super(message, cause);
  }
}
