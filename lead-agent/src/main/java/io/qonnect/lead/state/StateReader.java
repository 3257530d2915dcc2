package io.qonnect.lead.state;

import java.util.function.Function;

/**
 * The narrow read port through which controllers see the replicated state: the state machine in a lead agent,
 * a model replica in the simulation. The function runs under the reader's lock and must not keep references
 * to mutable parts of the state.
 */
@FunctionalInterface
public interface StateReader {
  <T> T read(Function<ControlPlaneState, T> read);

  /** Reads {@code state} directly, without a lock: for one thread (tests, a single-threaded replica). */
  static StateReader of(ControlPlaneState state) {
    return new StateReader() {
      @Override
      public <T> T read(Function<ControlPlaneState, T> read) {
        return read.apply(state);
      }
    };
  }
}
