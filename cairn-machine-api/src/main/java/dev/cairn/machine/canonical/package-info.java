/** Seed 001 {@code canonical}: the canonical JSON hashing policy marker. */
package dev.cairn.machine.canonical;
