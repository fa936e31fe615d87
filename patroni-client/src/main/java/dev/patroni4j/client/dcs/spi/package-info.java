/**
 * Support for implementers of {@link dev.patroni4j.client.dcs.DcsClient}: the pieces every DCS client of
 * this library shares, public so that a DCS module (dcs-etcd, dcs-consul, or one of your own) needs
 * nothing from patroni-client's {@code .internal} packages.
 *
 * <ul>
 *   <li>{@link dev.patroni4j.client.dcs.spi.SnapshotParser}: Patroni's keys of one cluster, as read from any
 *       DCS, into a {@link dev.patroni4j.client.dcs.ClusterSnapshot}, and values back to Patroni's JSON;
 *   <li>{@link dev.patroni4j.client.dcs.spi.WatchDelivery}: delivers a watch's snapshots to its listener as
 *       {@link dev.patroni4j.client.dcs.DcsEvent}s, with the shared back-off;
 *   <li>{@link dev.patroni4j.client.dcs.spi.HeldLease} and {@link dev.patroni4j.client.dcs.spi.LeaseArguments}:
 *       the common part of a {@link dev.patroni4j.client.dcs.DcsLease} and the checks of its arguments;
 *   <li>{@link dev.patroni4j.client.dcs.spi.RemovalRefusals}: the refusals every destructive call shares;
 *   <li>{@link dev.patroni4j.client.dcs.spi.BuilderChecks}: the checks of builder values;
 *       {@code cacert}/{@code certfile}/{@code keyfile} settings name them.
 * </ul>
 *
 * <p>A DCS client built on these behaves as the library's own: its snapshots are parsed, its events
 * delivered and its refusals worded the same way. Every type here is thread-safe unless its documentation
 * says otherwise.
 */
@NullMarked
package dev.patroni4j.client.dcs.spi;

import org.jspecify.annotations.NullMarked;
