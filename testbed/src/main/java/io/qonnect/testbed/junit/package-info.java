/**
 * JUnit 5 support for tests that need real member clusters: {@code @WithTestbed} brings them up once per
 * test run and hands each test a fabric8 client per cluster.
 */
package io.qonnect.testbed.junit;
