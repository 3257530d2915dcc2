/**
 * A YAML reader that keeps the line and column of every node, so violations can point at the source.
 * Parses Strings only; enforces size, depth and alias limits. No I/O.
 */
package io.qonnect.placement.yaml;
