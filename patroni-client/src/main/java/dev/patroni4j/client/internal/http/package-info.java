/** HTTP transport over OkHttp with Patroni's rules (Content-Length, no retries, per-member bounds) and PEM-based TLS. Not API. */
@NullMarked
package dev.patroni4j.client.internal.http;

import org.jspecify.annotations.NullMarked;
