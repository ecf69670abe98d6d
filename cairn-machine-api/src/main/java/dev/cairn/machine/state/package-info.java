/** Seed 001 {@code state}: the State interface every planned node implements, and its outcome. */
package dev.cairn.machine.state;
