/**
 * The resource agent of one member cluster: applies desired state with fabric8, reports observations.
 * Never deletes because it is disconnected. Depends on proto, transport and fabric8; not on the placement
 * engine, Ratis or RocksDB.
 */
package io.qonnect.agent;
