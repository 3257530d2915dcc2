/**
 * The resource agent of one member cluster: applies desired state with fabric8, reports observations.
 * Never deletes because it is disconnected. Depends on proto, fabric8 and the pure placement model (to read
 * specs); not on Ratis or RocksDB.
 */
package io.qonnect.agent;
