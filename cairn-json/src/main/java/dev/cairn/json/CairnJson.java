package dev.cairn.json;

/** Canonical JSON, hashing, wire codec. */
public final class CairnJson {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-json";

    private CairnJson() {}
}
