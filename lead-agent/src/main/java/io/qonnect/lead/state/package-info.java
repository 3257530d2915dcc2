/**
 * What the lead agents agree on, as plain Java: commands, the rules that apply them, and the records they
 * produce. Deterministic: no I/O, no clock, no randomness, no Ratis, no protobuf.
 */
package io.qonnect.lead.state;
