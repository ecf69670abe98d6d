/** Seed 001 {@code plan}: the executable state graph of a run and its validation. */
package dev.cairn.machine.plan;
