/** The build's check that a consumer importing the BOM gets the tested dependency set. */
@NullMarked
package dev.patroni4j.consumercheck;

import org.jspecify.annotations.NullMarked;
