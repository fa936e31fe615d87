/**
 * A Consul HTTP API test server ({@link dev.patroni4j.testkit.consul.ConsulTestServer}) that real Patroni runs on.
 *
 * <p>No Consul binary can be installed where these tests run, so the server implements the part of Consul's
 * agent HTTP API that Patroni and {@code dcs-consul} use, with Consul's status codes and bodies.
 */
@NullMarked
package dev.patroni4j.testkit.consul;

import org.jspecify.annotations.NullMarked;
