/**
 * The resource agent of one member cluster: applies desired state with fabric8, reports observations.
 * Never deletes because it is disconnected; depends on proto and fabric8, not on Ratis or placement.
 */
package io.qonnect.agent;
