/**
 * A local federation: the knowledge base and the lead agents as separate processes on loopback, a client
 * that follows the leader, and a seeder that reports a ClusterInventory as agents would.
 */
package io.qonnect.testbed.federation;
