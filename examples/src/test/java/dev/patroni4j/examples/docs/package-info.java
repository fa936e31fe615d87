/**
 * The build's check that every code example in the published modules' Javadoc and in the READMEs is
 * compiled code.
 */
@NullMarked
package dev.patroni4j.examples.docs;

import org.jspecify.annotations.NullMarked;
