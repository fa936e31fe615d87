/**
 * What Patroni keeps in its distributed configuration store (DCS), read and changed without its REST API.
 *
 * <p>{@link dev.patroni4j.client.dcs.DcsClient} is the service-provider interface that the {@code dcs-etcd} and
 * {@code dcs-consul} modules implement. Nothing in this package names an etcd or Consul type: a snapshot, a
 * watch, a compare-and-set or a removal reads the same whichever store holds the cluster.
 */
@NullMarked
package dev.patroni4j.client.dcs;

import org.jspecify.annotations.NullMarked;
