package dev.cairn.contracts;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes a {@code Double} as JavaScript's {@code JSON.stringify} does: integral values without a
 * fraction ({@code 1200}, not {@code 1200.0}), so that Zod {@code number()} fields such as {@code
 * durationMs} read the same on both sides.
 */
final class JsNumber extends StdSerializer<Double> {

    private static final long serialVersionUID = 1L;

    /** Integral doubles up to this magnitude are exact as longs; beyond it JavaScript writes exponents. */
    private static final double MAX_EXACT = 9_007_199_254_740_991d;

    JsNumber() {
        super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        double v = value;
        if (v == Math.rint(v) && Math.abs(v) <= MAX_EXACT) {
            gen.writeNumber((long) v);
        } else {
            gen.writeNumber(v);
        }
    }
}
