/**
 * Seed 001 {@code ids}: stable identifiers shared by manifests, plans, events and persisted records.
 *
 * <p>Every id is a {@code @Transparent} record (its wire form is the bare value) whose constructor
 * validates, so an invalid id cannot be built in Java nor read from JSON. Refusals are {@link
 * dev.cairn.machine.ids.IdValidationException} (code {@code invalid_id}) naming the kind and value.
 * {@link dev.cairn.machine.meta.Tag} lives in {@code meta}, as in the seed.
 */
package dev.cairn.machine.ids;
