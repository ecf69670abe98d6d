/**
 * Cairn addition to seed 001: time, sleeping and randomness as ports, so that the kernel never
 * reads the wall clock or a random source directly and tests can drive it with a manual clock
 * ({@code dev.cairn.testkit.ManualClock}).
 */
package dev.cairn.machine.time;
