/**
 * The placement engine: where should each component of an application run? Pure and deterministic:
 * no I/O, no clock, no randomness, no threads; no gRPC, Ratis, fabric8 or RocksDB on the classpath.
 */
package io.qonnect.placement;
