package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inclusive bounds of a numeric component, for the JSON Schema generated from the record
 * ({@code minimum}/{@code maximum}). On a list they apply to its elements, on a map to its values.
 *
 * <p>Declarative only: the codec does not check it. The record's constructor enforces the same
 * bounds, and each contract module's example tests keep the two in agreement.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface WireRange {

    /** Smallest allowed value. */
    long min() default Long.MIN_VALUE;

    /** Largest allowed value. */
    long max() default Long.MAX_VALUE;
}
