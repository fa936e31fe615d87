/** Patroni's DCS state on etcd v3. */
@NullMarked
package dev.patroni4j.dcs.etcd;

import org.jspecify.annotations.NullMarked;
