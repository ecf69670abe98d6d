package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Refuse objects with fields the record does not declare, as serde's
 * {@code #[serde(deny_unknown_fields)]}. Without it unknown fields are ignored, as serde does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DenyUnknownFields {}
