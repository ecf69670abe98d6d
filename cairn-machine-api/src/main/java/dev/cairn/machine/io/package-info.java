/** Seed 001 {@code io}: the IO request/response surface and the provider that is live or replays recorded facts. */
package dev.cairn.machine.io;
