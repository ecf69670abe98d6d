package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A regular expression the strings of a component match, for the JSON Schema generated from the
 * record ({@code pattern}). On a list it applies to the elements, on a map to the keys
 * ({@code propertyNames}).
 *
 * <p>Write it in the subset that ECMA-262 and {@link java.util.regex.Pattern} read alike (classes,
 * groups, quantifiers, anchors, lookahead), and anchor it: JSON Schema patterns are not implicitly
 * anchored. Declarative only: the record's constructor enforces the same rule, and each contract
 * module's example tests keep the two in agreement.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface WirePattern {

    /** The regular expression. */
    String value();
}
