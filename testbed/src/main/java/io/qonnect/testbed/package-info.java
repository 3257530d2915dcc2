/**
 * The testbed: real Kubernetes member clusters on one machine, and the harnesses that drive qonnect on them.
 * Starts processes and touches files; nothing here is used by the product's decision code.
 */
package io.qonnect.testbed;
