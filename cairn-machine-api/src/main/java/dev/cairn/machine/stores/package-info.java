/** Seed 001 {@code stores}: the append-only event store and the content-addressed artifact store. */
package dev.cairn.machine.stores;
