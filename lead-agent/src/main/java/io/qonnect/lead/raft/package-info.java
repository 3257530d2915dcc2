/**
 * The thin Ratis shell around the replicated state: state machine adapter, codecs, properties, client. The only
 * package that sees Ratis's shaded protobuf.
 */
package io.qonnect.lead.raft;
