package dev.cairn.schema;

import dev.cairn.json.wire.WireFormat;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import dev.cairn.json.wire.WireSize;
import java.lang.reflect.AnnotatedElement;

/** The constraint annotations of one record component, consumed as the schema descends into its type. */
record Constraints(WireRange range, WireSize size, WirePattern pattern, WireFormat format) {

    static final Constraints NONE = new Constraints(null, null, null, null);

    static Constraints of(AnnotatedElement element) {
        return new Constraints(
                element.getAnnotation(WireRange.class),
                element.getAnnotation(WireSize.class),
                element.getAnnotation(WirePattern.class),
                element.getAnnotation(WireFormat.class));
    }

    Constraints withoutSize() {
        return new Constraints(range, null, pattern, format);
    }

    Constraints withoutPattern() {
        return new Constraints(range, size, null, format);
    }

    /** Fails unless only the named kinds of constraint are present. */
    void allowOnly(String where, String type, boolean rangeOk, boolean sizeOk, boolean patternOk, boolean formatOk) {
        if (range != null && !rangeOk) {
            throw SchemaGenException.misplacedConstraint(where, "WireRange", type);
        }
        if (size != null && !sizeOk) {
            throw SchemaGenException.misplacedConstraint(where, "WireSize", type);
        }
        if (pattern != null && !patternOk) {
            throw SchemaGenException.misplacedConstraint(where, "WirePattern", type);
        }
        if (format != null && !formatOk) {
            throw SchemaGenException.misplacedConstraint(where, "WireFormat", type);
        }
    }
}
