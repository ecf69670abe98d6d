package dev.cairn.machine;

/** Seed 001, the durable execution kernel contract. */
public final class MachineApi {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-machine-api";

    private MachineApi() {}
}
