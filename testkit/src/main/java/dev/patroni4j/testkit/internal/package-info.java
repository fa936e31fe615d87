/**
 * The test kit's machinery: installations, processes, ports, certificates and the DCS servers it starts.
 * Not an API: it may change in any release.
 */
@NullMarked
package dev.patroni4j.testkit.internal;

import org.jspecify.annotations.NullMarked;
