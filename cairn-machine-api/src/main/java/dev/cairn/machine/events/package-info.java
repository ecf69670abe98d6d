/**
 * Seed 001 {@code events}: kernel events (resume and recovery), domain events (operation-defined),
 * the envelope stored per run with its sequence number, and the standard domain-event payloads.
 */
package dev.cairn.machine.events;
