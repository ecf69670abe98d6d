package dev.cairn.contracts;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link Instant} as JavaScript's {@code Date.prototype.toISOString()} does ({@code
 * 2026-11-23T06:00:00.000Z}, always three fraction digits), which is how the TypeScript services
 * put {@code z.coerce.date()} fields on the wire. Reading stays lenient: any RFC 3339 date-time.
 */
final class JsDate extends StdSerializer<Instant> {

    private static final long serialVersionUID = 1L;

    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    JsDate() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeString(ISO.format(value));
    }
}
