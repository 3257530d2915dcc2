/**
 * The joint solver: chooses clusters and replica counts for all components of an application together,
 * against one objective and the hard constraints. Deterministic: sorted iteration, hashed tie-breaks.
 */
package io.qonnect.placement.solve;
