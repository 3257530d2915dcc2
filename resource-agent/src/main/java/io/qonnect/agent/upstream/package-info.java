/** The agent's gRPC line to the lead agents: registration, heartbeats, desired state. */
package io.qonnect.agent.upstream;
