package dev.cairn.orchestrator.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: reading specs that must be valid. */
final class Specs {

    static final SpecParser PARSER = new SpecParser();

    private Specs() {}

    /** A test resource under {@code specs/}. */
    static String resource(String name) {
        try (InputStream in = Specs.class.getClassLoader().getResourceAsStream("specs/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource specs/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document of a spec that must be valid; fails with every error otherwise. */
    static SpecDocument valid(String text, String name) {
        SpecResult<SpecDocument> result = PARSER.read(text, name);
        if (!result.isValid()) {
            throw new AssertionError(
                    "expected " + name + " to be valid:\n" + new SpecException(name, result.errors()).report());
        }
        return result.orThrow();
    }

    static SpecDocument kitchenSink() {
        return valid(resource("kitchen-sink.yaml"), "kitchen-sink.yaml");
    }

    /** The errors of a spec, shown as {@code line:column code path}. */
    static List<String> errors(String text, String name) {
        List<String> out = new ArrayList<>();
        for (SpecError error : PARSER.read(text, name).errors()) {
            out.add(MalformedSpecsTest.show(error));
        }
        return out;
    }

    /** The errors of binding {@code params}, shown as {@code line:column code path}. */
    static List<String> bindErrors(SpecDocument doc, Map<String, String> params) {
        return doc.tryBind(params).errors().stream()
                .map(MalformedSpecsTest::show)
                .toList();
    }
}
