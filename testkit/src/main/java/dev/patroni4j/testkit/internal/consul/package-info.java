/** Implementation of the Consul test server; not API. */
@NullMarked
package dev.patroni4j.testkit.internal.consul;

import org.jspecify.annotations.NullMarked;
