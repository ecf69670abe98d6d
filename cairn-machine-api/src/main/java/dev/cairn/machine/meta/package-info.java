/** Seed 001 {@code meta}: tags and state metadata that classify states for planning, replay and retry. */
package dev.cairn.machine.meta;
