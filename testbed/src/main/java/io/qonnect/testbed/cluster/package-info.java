/**
 * Member clusters on one machine: a real control plane (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler) per cluster with KWOK-simulated nodes, driven through kwokctl's binary runtime on loopback.
 */
package io.qonnect.testbed.cluster;
