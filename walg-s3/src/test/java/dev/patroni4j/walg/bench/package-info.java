/** Benchmark programs for the WAL-G catalogue (run by hand; they compare side by side in one run). */
@NullMarked
package dev.patroni4j.walg.bench;

import org.jspecify.annotations.NullMarked;
