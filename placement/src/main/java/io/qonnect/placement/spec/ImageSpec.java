package io.qonnect.placement.spec;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** The shorthand form of a component: one container image, rendered as a Deployment plus a Service. */
public record ImageSpec(String image, List<Integer> ports, SortedMap<String, String> env) {
  public ImageSpec {
    ports = List.copyOf(ports);
    env = new TreeMap<>(env);
  }
}
