/** The knowledge base's gRPC service: validates reports and serves snapshots. No decisions, no Ratis. */
package io.qonnect.kb.api;
