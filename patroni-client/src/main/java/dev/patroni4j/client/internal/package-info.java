/** Implementation of the REST client: outcome mapping, metrics parsing, default deadlines. Not API. */
@NullMarked
package dev.patroni4j.client.internal;

import org.jspecify.annotations.NullMarked;
