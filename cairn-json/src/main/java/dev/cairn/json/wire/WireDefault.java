package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record component that may be absent on input, as serde's {@code #[serde(default)]}. The
 * record's constructor receives {@code null} for it and substitutes the default.
 *
 * <p>Components of type {@link java.util.Optional} are always optional on input (serde treats a
 * missing {@code Option} as {@code None}); every other component is required.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface WireDefault {}
