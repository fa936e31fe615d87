@NullMarked
package dev.patroni4j.runbooks.testkit;

import org.jspecify.annotations.NullMarked;
