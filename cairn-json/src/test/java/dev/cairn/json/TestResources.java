package dev.cairn.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test resources under {@code dev/cairn/json/}. */
final class TestResources {

    private TestResources() {}

    static byte[] bytes(String name) {
        try (InputStream in = TestResources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("missing test resource dev/cairn/json/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** Lines split at {@code \n} only (documents may hold U+2028, which is not a line end here). */
    static List<String> lines(String name) {
        String text = text(name);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return List.of(text.split("\n", -1));
    }
}
