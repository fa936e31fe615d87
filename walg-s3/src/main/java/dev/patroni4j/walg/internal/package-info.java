/** Implementation of the WAL-G catalog: S3 access, document parsing, decompression. Not API. */
@NullMarked
package dev.patroni4j.walg.internal;

import org.jspecify.annotations.NullMarked;
