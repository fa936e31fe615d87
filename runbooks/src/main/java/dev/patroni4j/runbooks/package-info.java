/** Runbook engine and the runbook catalogue. */
@NullMarked
package dev.patroni4j.runbooks;

import org.jspecify.annotations.NullMarked;
