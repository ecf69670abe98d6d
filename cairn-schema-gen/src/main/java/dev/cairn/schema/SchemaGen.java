package dev.cairn.schema;

/** JSON Schema generation for wire types. */
public final class SchemaGen {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-schema-gen";

    private SchemaGen() {}
}
