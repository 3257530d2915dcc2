package io.qonnect.kb.store;

import io.qonnect.proto.v1.ComponentReadiness;
import io.qonnect.proto.v1.ReadinessReport;
import java.util.Comparator;

/** Readiness reports in canonical order (by application, then component), so equal reports are equal bytes. */
final class ReadinessOrder {
  static final Comparator<ComponentReadiness> ORDER =
      Comparator.comparing(ComponentReadiness::getApplication).thenComparing(ComponentReadiness::getComponent);

  private ReadinessOrder() {}

  static ReadinessReport sorted(ReadinessReport report) {
    return report.toBuilder().clearComponents().addAllComponents(report.getComponentsList().stream().sorted(ORDER).toList()).build();
  }
}
