/** Runnable programs that the README quotes. */
@NullMarked
package dev.patroni4j.examples;

import org.jspecify.annotations.NullMarked;
