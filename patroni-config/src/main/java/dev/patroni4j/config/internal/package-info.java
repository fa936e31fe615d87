/** Implementation of {@code dev.patroni4j.config}; not an API. */
@NullMarked
package dev.patroni4j.config.internal;

import org.jspecify.annotations.NullMarked;
