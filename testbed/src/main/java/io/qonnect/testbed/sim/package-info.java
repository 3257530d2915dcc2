/**
 * Deterministic generators and simulations: everything random here comes from one seeded generator,
 * so a failing seed replays exactly.
 */
package io.qonnect.testbed.sim;
