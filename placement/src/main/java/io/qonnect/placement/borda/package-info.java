/**
 * The reference system's Borda-count scoring, reproduced only as a baseline to compare against.
 * Pure; deliberately keeps the reference's behaviour, including that it never checks free capacity.
 */
package io.qonnect.placement.borda;
