/**
 * Runbooks on the test kit's local clusters: {@link dev.patroni4j.runbooks.testkit.LocalClusterHostActions}, the
 * {@link dev.patroni4j.runbooks.host.HostActions} of a {@link dev.patroni4j.testkit.LocalPatroniCluster}, so that a
 * test suite runs the runbooks that act on members' hosts against real throwaway clusters.
 */
@NullMarked
package dev.patroni4j.runbooks.testkit;

import org.jspecify.annotations.NullMarked;
