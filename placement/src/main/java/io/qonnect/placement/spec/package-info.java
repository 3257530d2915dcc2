/**
 * The QoS spec: the user's description of an application, its parser and its validation rules.
 * Pure: parses Strings, reports every violation at once, never throws for bad input.
 */
package io.qonnect.placement.spec;
