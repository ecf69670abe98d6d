package dev.cairn.schema;

import dev.cairn.json.CodedException;
import java.util.List;

/**
 * Root exception of {@code cairn-schema-gen}: a type that has no JSON Schema under Cairn's wire
 * conventions, a constraint annotation that cannot apply where it is, or checked-in schemas that no
 * longer match their types.
 */
public class SchemaGenException extends CodedException {

    private static final long serialVersionUID = 1L;

    private SchemaGenException(String code, String message, String hint) {
        super(code, message, false, hint, null);
    }

    /** {@code where} has a Java type that the wire codec has no form for. */
    public static SchemaGenException unsupportedType(String where, String type) {
        return new SchemaGenException(
                "unsupported_wire_type",
                where + " has type " + type + ", which is not a wire type",
                "Use records, @WireEnum sealed interfaces, enums, strings, numbers, booleans, UUID, Instant,"
                        + " Duration, Optional, List, Set, Map with string keys, or JsonNode.");
    }

    /** A constraint annotation sits on a component whose schema cannot express it. */
    public static SchemaGenException misplacedConstraint(String where, String annotation, String type) {
        return new SchemaGenException(
                "misplaced_constraint",
                "@" + annotation + " on " + where + " cannot apply to " + type,
                "Put the constraint on the component of the type it constrains, or remove it.");
    }

    /** The type refers to itself; the generator does not support recursive wire types. */
    public static SchemaGenException recursiveType(String type) {
        return new SchemaGenException(
                "recursive_wire_type",
                type + " refers to itself, directly or through other types",
                "Recursive wire types are not supported; break the cycle with a JsonNode component.");
    }

    /** Two types of one schema set share a simple name. */
    public static SchemaGenException duplicateName(String name, List<String> types) {
        return new SchemaGenException(
                "duplicate_schema_name",
                "schema name " + name + " is used by " + String.join(", ", types),
                "Rename one of the types: schema names are simple class names.");
    }

    /** The checked-in schemas of {@code module} differ from the ones generated from its types. */
    public static SchemaGenException drift(String module, List<String> differences) {
        String update = "./mvnw -B -q -pl " + module + " -am verify -D" + SchemaCatalog.UPDATE_PROPERTY + "=true";
        return new SchemaGenException(
                "schema_drift",
                "the checked-in JSON Schemas of " + module + " do not match its wire types:\n  - "
                        + String.join("\n  - ", differences) + "\nIf the change is intended, regenerate them with `"
                        + update + "`, review the diff and commit it.",
                "Regenerate the schemas with `" + update + "`, review the diff and commit it.");
    }

    /** Reading or writing the checked-in schemas failed. */
    public static SchemaGenException io(String what, Exception cause) {
        var e = new SchemaGenException(
                "schema_io", what + ": " + cause.getMessage(), "Check the path and permissions.");
        e.initCause(cause);
        return e;
    }
}
