/** Seed 001 {@code config}: run configuration and the run manifest, which shape execution, replay and provenance. */
package dev.cairn.machine.config;
