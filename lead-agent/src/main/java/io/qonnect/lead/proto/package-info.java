/** Mapping between the lead agent's domain types and the generated protobuf messages; nothing else. */
package io.qonnect.lead.proto;
