/** Seed 001 {@code context}: the JSON execution context a state reads and writes, with typed helpers. */
package dev.cairn.machine.context;
