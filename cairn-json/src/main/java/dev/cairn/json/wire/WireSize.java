package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inclusive bounds on the size of a component, for the JSON Schema generated from the record: the
 * length of a string ({@code minLength}), the number of items of a list ({@code minItems}) or of
 * entries of a map ({@code minProperties}).
 *
 * <p>Declarative only: the codec does not check it. The record's constructor enforces the same
 * bounds, and each contract module's example tests keep the two in agreement.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface WireSize {

    /** Smallest allowed size. */
    int min() default 0;

    /** Largest allowed size. */
    int max() default Integer.MAX_VALUE;
}
