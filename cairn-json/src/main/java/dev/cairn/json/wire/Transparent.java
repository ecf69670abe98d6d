package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record of exactly one component that is written as that component alone, as serde's
 * {@code #[serde(transparent)]} and newtype structs: {@code OpId("build")} is {@code "build"}.
 *
 * <p>The canonical constructor runs on read, so a record that validates its value (an id, say)
 * refuses bad input while it is being deserialized. Inside a {@link WireEnum} the record is a
 * newtype variant.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Transparent {}
