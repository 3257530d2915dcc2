/** Member cluster health on the leader: pure verdict rules over agent heartbeats and peer probes, and the loop that commits verdicts through Raft. */
package io.qonnect.lead.health;
