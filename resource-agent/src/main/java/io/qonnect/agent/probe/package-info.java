/** Round-trip times to the other member clusters' agents (the latency matrix): the probe server every agent runs, and the prober. */
package io.qonnect.agent.probe;
