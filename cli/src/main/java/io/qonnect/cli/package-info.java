/**
 * The {@code qonnect} command line: kubectl-style verbs over the placement engine, the testbed and (later)
 * the lead agents' API. Formats output and exit codes; holds no decision logic of its own.
 */
package io.qonnect.cli;
