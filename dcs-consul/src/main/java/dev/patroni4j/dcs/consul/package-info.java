/** Patroni's DCS state on Consul's HTTP API. */
@NullMarked
package dev.patroni4j.dcs.consul;

import org.jspecify.annotations.NullMarked;
