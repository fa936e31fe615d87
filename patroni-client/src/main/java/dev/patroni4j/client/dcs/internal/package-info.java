/**
 * Parsing of the values Patroni writes into its DCS, and the delivery of watch events to listeners; shared by every
 * DCS implementation, not public API.
 */
@NullMarked
package dev.patroni4j.client.dcs.internal;

import org.jspecify.annotations.NullMarked;
