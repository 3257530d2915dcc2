/**
 * Lead agents: the Ratis-replicated control-plane state, leader-only controllers and the client API.
 * Decisions go through the log; heavy work (placement) stays off the apply thread.
 */
package io.qonnect.lead;
