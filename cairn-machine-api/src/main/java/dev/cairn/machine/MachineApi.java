package dev.cairn.machine;

/**
 * Seed 001, the durable execution kernel contract: identifiers ({@code ids}), run configuration
 * ({@code config}), state metadata ({@code meta}), errors ({@code errors}), the execution context
 * ({@code context}), kernel and domain events ({@code events}), live/replay IO ({@code io}), the
 * domain-event recorder ({@code recorder}), states ({@code state}), plans ({@code plan}), the event
 * and artifact stores ({@code stores}) and the engine ({@code engine}).
 *
 * <p>Conventions shared by every package:
 *
 * <ul>
 *   <li>Wire types follow serde's JSON form of the seed's Rust types ({@code dev.cairn.json.wire.Wire}):
 *       records are structs, {@code @WireEnum} sealed interfaces are enums, ids are bare strings.
 *   <li>Records validate in their constructors and copy what they hold: lists are immutable, and
 *       JSON trees are deep-copied with numbers in the node types the codec reads, so two records
 *       are equal exactly when their wire forms are. Treat JSON returned by accessors as read-only.
 *   <li>Async seed traits are blocking interfaces meant for virtual threads; cancellation is a
 *       thread interrupt, documented on each port.
 *   <li>Every failure is an unchecked {@link dev.cairn.machine.errors.MachineException} carrying the
 *       seed's error value.
 * </ul>
 */
public final class MachineApi {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-machine-api";

    private MachineApi() {}
}
