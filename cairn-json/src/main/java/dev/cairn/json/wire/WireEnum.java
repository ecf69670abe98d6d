package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a sealed interface of records (or a Java enum) as a serde enum, so that {@link Wire} writes
 * it the way serde does.
 *
 * <p>The variants of a sealed interface are its permitted records, named by their simple names:
 *
 * <ul>
 *   <li>a record without components is a <em>unit</em> variant: {@code "Minimal"};
 *   <li>a {@link Transparent} record is a <em>newtype</em> variant: {@code {"Custom":"x"}};
 *   <li>any other record is a <em>struct</em> variant: {@code {"FanOutJoin":{"max_concurrency":4}}}.
 * </ul>
 *
 * <p>With {@link #tag()} set the enum is internally tagged, as {@code #[serde(tag = "kind")]}:
 * {@code {"kind":"miss_build_as","tag":"abc"}}; unit variants are {@code {"kind":"miss_no_commit"}}.
 *
 * <p>Java enums do not need this annotation: their constants are written in PascalCase
 * ({@code READ_ONLY_IO} → {@code "ReadOnlyIo"}) unless {@link #variants()} says otherwise.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WireEnum {

    /** Name of the tag field for an internally tagged enum; empty for serde's external tagging. */
    String tag() default "";

    /** How variant names are spelled on the wire ({@code rename_all}). */
    VariantCase variants() default VariantCase.PASCAL_CASE;
}
