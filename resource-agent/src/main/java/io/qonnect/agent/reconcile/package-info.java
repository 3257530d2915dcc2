/** Desired state to Kubernetes objects (ManifestRenderer) and to a plan (WorkloadPlanner): pure; the loop executes it. */
package io.qonnect.agent.reconcile;
