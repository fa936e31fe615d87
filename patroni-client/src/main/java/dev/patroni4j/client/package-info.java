/** Typed client for the Patroni REST API, the cluster model, and the DCS SPI. */
@NullMarked
package dev.patroni4j.client;

import org.jspecify.annotations.NullMarked;
