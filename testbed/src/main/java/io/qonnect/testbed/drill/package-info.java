/** Drills: inject one failure or change into a running federation on the testbed, time detection, decision and recovery, and check the invariants. */
package io.qonnect.testbed.drill;
