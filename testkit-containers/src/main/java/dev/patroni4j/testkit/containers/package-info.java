/**
 * Throwaway Patroni clusters as Docker containers, on Testcontainers: N Patroni members and one etcd on one
 * network, from any image that has Patroni, PostgreSQL and etcd (see {@link dev.patroni4j.testkit.containers.PatroniContainerCluster}).
 */
@NullMarked
package dev.patroni4j.testkit.containers;

import org.jspecify.annotations.NullMarked;
