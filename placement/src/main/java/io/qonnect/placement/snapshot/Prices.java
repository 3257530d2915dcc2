package io.qonnect.placement.snapshot;

/** What a member cluster charges, in currency units per hour (the unit is the operator's choice). */
public record Prices(double perCoreHour, double perGiBHour) {
  public Prices {
    if (!(perCoreHour >= 0) || !(perGiBHour >= 0)) throw new IllegalArgumentException("prices must be >= 0");
  }
}
