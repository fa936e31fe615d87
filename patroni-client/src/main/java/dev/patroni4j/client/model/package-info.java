/**
 * The Patroni cluster model shared by the REST client and the DCS readers: members, roles, states,
 * timelines, LSNs, lag, tags, scheduled actions, dynamic configuration and the cluster view.
 *
 * <p>Every type here is an immutable value (a record or an enum), safe to share between threads.
 * No type in a public signature comes from an HTTP or JSON library: raw JSON is exposed as a
 * {@code String} ({@code rawJson()}), unknown fields as a map from field name to that field's JSON
 * text ({@code unknownFields()}), so a newer Patroni's additions are never lost.
 *
 * <p>The model reads every Patroni version from 3.0 to 4.1 into one shape: old and new spellings
 * ({@code master}/{@code primary}, {@code running}/{@code streaming}) map to one enum constant while
 * the raw value stays available, and a value this library does not know yet is kept as
 * {@link dev.patroni4j.client.model.Role.Kind#OTHER} / {@link
 * dev.patroni4j.client.model.MemberState.Kind#OTHER} instead of failing.
 */
@NullMarked
package dev.patroni4j.client.model;

import org.jspecify.annotations.NullMarked;
