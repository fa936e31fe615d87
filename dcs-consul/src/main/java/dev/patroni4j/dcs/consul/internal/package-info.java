/** Implementation of the Consul DCS client; not API. */
@NullMarked
package dev.patroni4j.dcs.consul.internal;

import org.jspecify.annotations.NullMarked;
