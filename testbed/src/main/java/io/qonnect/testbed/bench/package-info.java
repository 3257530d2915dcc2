/**
 * Benchmarks that measure and record (reports with the command that produced them); never assertions.
 */
package io.qonnect.testbed.bench;
