/** Singleton fencing on the leader: which member cluster may run each singleton component right now. Pure; no I/O, no clock. */
package io.qonnect.lead.lease;
