/** The lead agent's gRPC client of the knowledge base; degrades to the last snapshot when it is unreachable. */
package io.qonnect.lead.kb;
