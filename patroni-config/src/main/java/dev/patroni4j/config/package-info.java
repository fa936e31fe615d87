/**
 * Patroni's local configuration ({@code patroni.yml}) and its systemd unit: a typed model read
 * with YAML 1.1 as Patroni's PyYAML reads it, a text-preserving editor, a validator that agrees
 * with {@code patroni --validate-config}, and generators for new clusters, new members and
 * standalone PostgreSQL servers.
 */
@NullMarked
package dev.patroni4j.config;

import org.jspecify.annotations.NullMarked;
