/** The lead agent's gRPC services: the client API and the agent gateway. Validation and error mapping live here. */
package io.qonnect.lead.api;
