/** Seed 001 {@code engine}: the engine interface and its start/resume inputs and results. */
package dev.cairn.machine.engine;
