/** What the agent reports to the knowledge base: capacity and readiness, aggregated by pure code from informer caches. */
package io.qonnect.agent.report;
