/** The build's architecture rules over every module's compiled classes, and the proof that each rule bites. */
@NullMarked
package dev.patroni4j.consumercheck.arch;

import org.jspecify.annotations.NullMarked;
