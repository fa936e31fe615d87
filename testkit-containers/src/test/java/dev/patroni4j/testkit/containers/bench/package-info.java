/** Benchmark programs of the container test kit, run by hand (not part of the suite). */
@NullMarked
package dev.patroni4j.testkit.containers.bench;

import org.jspecify.annotations.NullMarked;
