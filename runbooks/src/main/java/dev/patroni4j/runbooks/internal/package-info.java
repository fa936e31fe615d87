/** Implementation details of the runbook engine; not API. */
@NullMarked
package dev.patroni4j.runbooks.internal;

import org.jspecify.annotations.NullMarked;
