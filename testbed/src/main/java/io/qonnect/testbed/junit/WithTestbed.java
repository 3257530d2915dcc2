package io.qonnect.testbed.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class runs against real testbed member clusters. Clusters come up once per test run (shared by
 * every class asking for the same layout) and go down when the run ends. Declare a {@link TestbedClusters}
 * parameter to get at them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TestbedExtension.class)
public @interface WithTestbed {
  /** Layout, e.g. {@code cloud=1,edge=1}. */
  String clusters() default "cloud=1,edge=1";
}
