/** The lead agent's configuration record and its loader. No I/O beyond reading arguments and environment. */
package io.qonnect.lead.config;
