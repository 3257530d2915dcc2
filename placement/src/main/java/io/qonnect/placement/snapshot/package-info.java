/**
 * What the engine knows about the member clusters at one instant: capacity, power, prices, latency.
 * Immutable values; built from an inventory file offline or from the knowledge base in the lead agents.
 */
package io.qonnect.placement.snapshot;
