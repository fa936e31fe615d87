/**
 * The runbook catalogue for Patroni clusters: planned and scheduled switchover, failover, rolling restart, config
 * change and reload, pause and resume, reinitialize, remove cluster. Start at {@link
 * dev.patroni4j.runbooks.catalogue.PatroniRunbooks}.
 */
@NullMarked
package dev.patroni4j.runbooks.catalogue;

import org.jspecify.annotations.NullMarked;
