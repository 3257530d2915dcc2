package io.qonnect.placement.filter;

/** Why a member cluster cannot host a component: which rule ({@link Reason}, for programs) and the details (for people). */
public record Refusal(Reason reason, String text) {
  /** One per {@link ClusterFilter}. */
  public enum Reason { NOT_SCHEDULABLE, TIER, REGION, NODE_FIT, FREE_CAPACITY, USER_LATENCY }

  @Override
  public String toString() {
    return text;
  }
}
