/** Lenient, path-reporting readers of Patroni's JSON documents. Not API. */
@NullMarked
package dev.patroni4j.client.internal.json;

import org.jspecify.annotations.NullMarked;
