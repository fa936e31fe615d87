/** Benchmark programs: side-by-side measurements, run by hand, never part of the test suite. */
@NullMarked
package dev.patroni4j.examples.bench;

import org.jspecify.annotations.NullMarked;
