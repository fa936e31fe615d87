/** WAL-G backup catalogue on S3 and the wal-g CLI driver. */
@NullMarked
package dev.patroni4j.walg;

import org.jspecify.annotations.NullMarked;
