/**
 * Is the client API linearizable? Histories of concurrent apply / get / delete calls (invoke and return times, what
 * each returned) checked against one register per application, Wing–Gong style with Lowe's memoisation, as Porcupine
 * does; {@link io.qonnect.testbed.linearizability.HistoryRecorder} records them from real clients during a drill.
 */
package io.qonnect.testbed.linearizability;
