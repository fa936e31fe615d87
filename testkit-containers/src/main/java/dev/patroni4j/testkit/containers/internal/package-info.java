/**
 * The container test kit's machinery: Docker calls, labels and the sweep of what dead JVMs left behind.
 * Not an API: it may change in any release.
 */
@NullMarked
package dev.patroni4j.testkit.containers.internal;

import org.jspecify.annotations.NullMarked;
