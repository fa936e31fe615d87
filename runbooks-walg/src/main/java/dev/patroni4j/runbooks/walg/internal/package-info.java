/** Conversions between walg-s3's values and the runbooks' backup values; not API. */
@NullMarked
package dev.patroni4j.runbooks.walg.internal;

import org.jspecify.annotations.NullMarked;
