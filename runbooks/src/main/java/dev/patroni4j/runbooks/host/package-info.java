/**
 * The host-actions SPI: what runbooks do on a member's machine (start/stop Patroni, stop PostgreSQL, move or write a
 * file, wipe a data directory, run a command), with a shell implementation for systemd hosts, locally or over ssh.
 */
@NullMarked
package dev.patroni4j.runbooks.host;

import org.jspecify.annotations.NullMarked;
