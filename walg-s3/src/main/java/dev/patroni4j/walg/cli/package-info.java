/**
 * Driving the {@code wal-g} executable: {@link dev.patroni4j.walg.cli.WalgCli} runs commands with
 * configuration passed through a config file or the environment (never the command line), maps
 * exit codes to typed exceptions, deletes only with the operator's {@link
 * dev.patroni4j.client.Confirmation} of a {@link dev.patroni4j.walg.cli.DeleteDryRun}, and {@link
 * dev.patroni4j.walg.cli.WalgOutput} parses what WAL-G v2 and v3 print.
 */
@NullMarked
package dev.patroni4j.walg.cli;

import org.jspecify.annotations.NullMarked;
