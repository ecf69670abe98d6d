package dev.cairn.machine.meta;

/**
 * Seed {@code meta::standard_tags}: the stable classification vocabulary shared by planners,
 * executors and policy code. Reuse these instead of near-duplicate spellings.
 *
 * <p>A good default mapping: {@link #CONFIG} for validation and config-shaping states, {@link
 * #FETCH_DATA} for reads and fact acquisition, {@link #COMPUTE} for pure transforms, {@link
 * #EXECUTE} for imperative work, {@link #REPORT} for output assembly. {@link #APPLY_SIDE_EFFECT} and
 * {@link #IMPURE} are stronger policy signals; reserve them for states whose replay or retry
 * behaviour depends on them (a dry run skips {@link #APPLY_SIDE_EFFECT} through {@code skip_tags}).
 */
public final class StandardTags {

    /** A configuration or validation state. */
    public static final String CONFIG = "config";
    /** A state whose primary job is to retrieve external data. */
    public static final String FETCH_DATA = "fetch_data";
    /** A pure computation or transformation state. */
    public static final String COMPUTE = "compute";
    /** A state that performs or prepares executable work. */
    public static final String EXECUTE = "execute";
    /** A reporting or output-producing state. */
    public static final String REPORT = "report";
    /** A state that applies an external side effect. */
    public static final String APPLY_SIDE_EFFECT = "apply_side_effect";
    /** A state whose behaviour is not purely deterministic. */
    public static final String IMPURE = "impure";

    private StandardTags() {}
}
