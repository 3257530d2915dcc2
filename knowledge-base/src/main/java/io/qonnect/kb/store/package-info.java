/** Where observations live: one {@link io.qonnect.kb.store.KnowledgeStore} contract, on RocksDB or in memory. No gRPC here. */
package io.qonnect.kb.store;
