package io.qonnect.placement.yaml;

/** Why a YAML text could not be read: a syntax error or an exceeded limit, with its position if known. */
public record YamlProblem(String message, int line, int column) {}
