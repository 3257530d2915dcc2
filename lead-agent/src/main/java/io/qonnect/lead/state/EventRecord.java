package io.qonnect.lead.state;

/** Something the replicated state changed, at the proposer's time; what {@code qonnect events} shows. */
public record EventRecord(long revision, long timeMillis, EventKind kind, String subject, String message) {}
