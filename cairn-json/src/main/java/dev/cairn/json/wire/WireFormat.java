package dev.cairn.json.wire;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The JSON Schema {@code format} of a string component (for example {@code uri}), for the schema
 * generated from the record. On a list it applies to the elements.
 *
 * <p>Declarative only: the record's constructor enforces the format.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface WireFormat {

    /** A format name defined by JSON Schema draft 2020-12 or OpenAPI 3.1. */
    String value();
}
