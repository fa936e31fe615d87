/** Patroni configuration for WAL-G: archiving, restore, replica creation and PITR bootstrap. */
@NullMarked
package dev.patroni4j.walg.patroni;

import org.jspecify.annotations.NullMarked;
