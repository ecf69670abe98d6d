/** Seed 001 {@code recorder}: how state handlers record domain events. */
package dev.cairn.machine.recorder;
