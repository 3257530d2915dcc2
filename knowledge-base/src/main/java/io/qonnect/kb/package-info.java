/**
 * The knowledge base: observations (capacity, prices, energy, latency, readiness, events) on RocksDB, served over gRPC.
 * Owns observations only, never decisions; depends on proto and RocksDB, not on placement or Ratis.
 */
package io.qonnect.kb;
