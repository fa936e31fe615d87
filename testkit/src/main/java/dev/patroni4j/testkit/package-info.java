/** Throwaway real Patroni clusters for test suites. */
@NullMarked
package dev.patroni4j.testkit;

import org.jspecify.annotations.NullMarked;
