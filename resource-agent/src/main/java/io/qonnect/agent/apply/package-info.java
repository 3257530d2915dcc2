/** Carrying a reconcile plan out against the member cluster's API server: server-side applies and deletes, each object on its own with its own backoff. */
package io.qonnect.agent.apply;
