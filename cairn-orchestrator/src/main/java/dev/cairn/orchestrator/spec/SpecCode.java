package dev.cairn.orchestrator.spec;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import java.util.Locale;

/**
 * What is wrong with a pipeline spec: the stable, snake_case {@link SpecError#code() code} of each
 * error, with the hint shown when the error has no more specific one. On the wire: {@code
 * "unknown_field"}, ...
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum SpecCode {
    // The document as a whole.
    /** The spec file cannot be read. */
    UNREADABLE_FILE("Check the file's path and permissions."),
    /** The document is larger than {@link SpecLimits#maxBytes()}. */
    DOCUMENT_TOO_LARGE("Split the pipeline, or move data into input files."),
    /** The bytes are not UTF-8. */
    INVALID_ENCODING("Save the file as UTF-8."),
    /** The document is empty or holds only comments. */
    EMPTY_DOCUMENT("Write a pipeline: at least `op:` and `steps:`."),
    /** The text is not YAML (or not JSON, for a {@code .json} document). */
    SYNTAX_ERROR("Fix the syntax at the position given."),
    /** A YAML stream holds more than one document. */
    MULTIPLE_DOCUMENTS("Keep one pipeline per file; remove the `---` separator and what follows it."),
    /** A YAML feature the format does not accept: custom tags, non-string keys, a bad merge key. */
    UNSUPPORTED_YAML("Use plain YAML: mappings, lists, strings, numbers, booleans, anchors and merge keys."),
    /** An alias names no (completed) anchor. */
    UNKNOWN_ALIAS("Define the anchor (`&name`) before the alias (`*name`); an anchor cannot contain itself."),
    /** Aliases expand to more than {@link SpecLimits#maxNodes()} nodes, or are used too often. */
    TOO_MANY_NODES("Use fewer aliases; alias expansion is limited to protect the parser."),
    /** Mappings and lists nest deeper than {@link SpecLimits#maxDepth()}. */
    TOO_DEEP("Flatten the document; nothing in a pipeline needs this much nesting."),
    /** A mapping names the same key twice. */
    DUPLICATE_KEY("Each key may appear once per mapping; remove or rename one of them."),
    /** A number that is not finite or too large to be meaningful. */
    INVALID_NUMBER("Use a finite number of reasonable size, or quote the value to make it a string."),

    // Shape.
    /** A mapping holds a key the format does not define. */
    UNKNOWN_FIELD("Remove the field or fix its spelling; see docs/pipelines.md for every field."),
    /** A required field is absent. */
    MISSING_FIELD("Add the field."),
    /** A value has the wrong JSON type. */
    WRONG_TYPE("Give a value of the type named in the message."),
    /** A value is not one of the allowed words, or breaks a documented rule. */
    INVALID_VALUE("See the field in docs/pipelines.md."),
    /** A number or a count is outside its allowed range. */
    OUT_OF_RANGE("Use a value inside the range named in the message."),
    /** Two fields that exclude each other, or a field that does not apply here. */
    CONFLICTING_FIELDS("Keep one of the fields named in the message."),
    /** A list names the same value twice. */
    DUPLICATE_VALUE("Remove the repeated entry."),
    /** A string holds a NUL or another control character where none is allowed. */
    INVALID_CHARACTER("Remove the control character."),

    // Syntax of values.
    /** An op id, step id, param name, target name or tag that breaks its syntax. */
    INVALID_ID("Use 1 to 63 characters: a lowercase letter, then lowercase letters, digits or underscores."),
    /** A duration that is not {@code <n>d<n>h<n>m<n>s<n>ms}. */
    INVALID_DURATION("Write durations as whole numbers with units, largest first: `90s`, `10m`, `1h30m`, `500ms`."),
    /** A byte size that is not a whole number with an optional unit. */
    INVALID_SIZE("Write sizes as a whole number of bytes or with a unit: `512MiB`, `2GiB`, `100MB`."),
    /** An output or input glob that is not a relative java.nio glob. */
    INVALID_GLOB("Write a relative glob such as `build/**` or `*.{tar.gz,zip}`, without `..`."),
    /** A path that must stay inside the workspace (or be relative to the spec) does not. */
    INVALID_PATH("Use a relative path without `..` segments."),
    /** A {@code ${{ ... }}} reference that is malformed or not {@code params.NAME}. */
    INVALID_PARAM_REF("Write `${{ params.NAME }}`; write `$${{` for a literal `${{`."),
    /** A {@code ${{ params.NAME }}} reference to a param that is not declared. */
    UNKNOWN_PARAM("Declare the param under `params:` or fix its name."),
    /** A {@code ${{ ... }}} reference in a field that does not take substitutions. */
    TEMPLATE_NOT_ALLOWED(
            "Substitutions are allowed only in run, env values, inputs, labels, idempotency_key and export targets."),
    /** A label key or value that breaks the label syntax, or the reserved {@code region} key. */
    INVALID_LABEL(
            "Label keys: lowercase letters, digits, `.`, `_`, `-` (starting with a letter); values: letters, digits, `.`, `_`, `-`."),
    /** A region name that breaks the region syntax. */
    INVALID_REGION(
            "Regions are 1 to 61 lowercase letters, digits and `-`, not starting or ending with `-` (e.g. `eu-west-1`)."),
    /** A secret name, secret env variable or secret file name that breaks its syntax. */
    INVALID_SECRET_NAME("Secret names are letters, digits and `_`, not starting with a digit, e.g. `DEPLOY_TOKEN`."),
    /** An environment variable name that breaks the syntax or uses the reserved {@code CAIRN_} prefix. */
    INVALID_ENV("Environment names are letters, digits and `_`, not starting with a digit, and not `CAIRN_*`."),
    /** A capability that is neither {@code command} nor a path such as {@code /examples/hello/v1}. */
    INVALID_CAPABILITY("Use `command` or a capability path such as `/examples/hello/v1`."),
    /** An artifact id that is not 64 lowercase hex characters. */
    INVALID_ARTIFACT_ID("Artifact ids are the 64-character lowercase hex SHA-256 printed by `cairn artifacts`."),
    /** A network destination that is not {@code host:port}. */
    INVALID_HOST("Write destinations as `host:port`, e.g. `registry.npmjs.org:443`."),
    /** An export URL that is not an http(s) URL without credentials. */
    INVALID_URL(
            "Use an `https://` (or `http://`) URL without a user or password; give credentials as `bearer: SECRET_NAME`."),
    /** A command that cannot be run as written (empty script, empty program). */
    INVALID_COMMAND("Give `run` a non-empty script, or a list whose first element names the program."),

    // The graph.
    /** No steps. */
    NO_STEPS("Add at least one step under `steps:`."),
    /** Two steps share an id. */
    DUPLICATE_STEP("Give every step its own id."),
    /** A reference to a step that does not exist. */
    UNKNOWN_STEP("Name an existing step id."),
    /** {@code needs} edges form a cycle. */
    DEPENDENCY_CYCLE("Remove one of the `needs` entries of the cycle."),
    /** An input or {@code continues} names a step that does not run before this one. */
    NOT_UPSTREAM("Add the step to `needs` (directly or through another step it needs)."),
    /** An input takes outputs from a step that declares none. */
    NO_OUTPUTS("Declare `outputs:` globs on the producing step."),
    /** A {@code skip_tags} entry that no step carries and that is not a standard tag. */
    UNKNOWN_TAG("Use a tag that a step carries, or a standard tag such as `apply_side_effect`."),
    /** An export names a target that is not defined. */
    UNKNOWN_TARGET("Define the target under `export.targets`, or leave `target` out for the default sink."),
    /** An exported path that none of the step's output globs captures. */
    NOT_AN_OUTPUT("Export only files that the step's `outputs:` globs capture."),

    // Secrets and params.
    /** A value in the spec that looks like a credential. */
    INLINE_SECRET(
            "Never write secrets into a pipeline: list the secret's name under the step's `secrets:` and store the value with `cairn secrets set NAME`."),
    /** A {@code --param} that the spec does not declare. */
    UNKNOWN_PARAM_VALUE("Pass only params declared under `params:`."),
    /** A required param without a value. */
    MISSING_PARAM("Pass it as `--param NAME=VALUE`, or give it a `default`."),
    /** A param value that does not have the param's type. */
    INVALID_PARAM_VALUE(
            "Pass a value of the param's type: any text, a number such as `3` or `0.5`, or `true`/`false`."),
    /** A param value that looks like a secret. */
    SECRET_IN_PARAM("Secrets never travel as params; declare them under the step's `secrets:`."),

    /** A defect in Cairn: the spec reader failed on this input. */
    INTERNAL_ERROR("This is a bug in Cairn; please report it with the spec that caused it.");

    private final String defaultHint;

    SpecCode(String defaultHint) {
        this.defaultHint = defaultHint;
    }

    /** The stable snake_case code, e.g. {@code unknown_field}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What to do about an error of this kind, when the error itself says nothing more specific. */
    public String defaultHint() {
        return defaultHint;
    }
}
