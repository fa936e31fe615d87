/** Another fixture module's implementation package. */
@NullMarked
package dev.patroni4j.consumercheck.arch.elsewhere.internal;

import org.jspecify.annotations.NullMarked;
