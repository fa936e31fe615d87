/** Tests of the client against real Patroni clusters the test kit starts, and the fixture recorder. */
@NullMarked
package dev.patroni4j.client.it;

import org.jspecify.annotations.NullMarked;
