package dev.cairn.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.GoldenCases.Case;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins the wire form of every seed 001 type against hand-written golden files ({@code
 * src/test/resources/golden}), compared as JSON trees, and reads every golden back into an equal
 * value.
 */
class GoldenWireTest {

    private static final Map<String, Map<String, Case>> CASES = GoldenCases.all();

    private static JsonNode golden(String file) {
        try (InputStream in = GoldenWireTest.class.getResourceAsStream("/golden/" + file + ".json")) {
            assertThat(in).as("golden/%s.json", file).isNotNull();
            return Wire.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenCaseIsWrittenAndReadExactly() {
        List<DynamicTest> tests = new ArrayList<>();
        CASES.forEach((file, cases) -> {
            JsonNode expected = golden(file);
            cases.forEach((name, c) -> tests.add(DynamicTest.dynamicTest(file + ": " + name, () -> {
                JsonNode want = expected.get(name);
                assertThat(want)
                        .as("case %s missing from golden/%s.json", name, file)
                        .isNotNull();
                // Parse what we write, so number nodes compare by value (a long 1 and an int 1).
                JsonNode written = Wire.mapper().readTree(Wire.write(c.value()));
                assertThat(written).as("wire form of %s", name).isEqualTo(want);
                Object read = Wire.read(Wire.mapper().writeValueAsString(want), c.type());
                assertThat(read).as("read back %s", name).isEqualTo(c.value());
            })));
        });
        return tests.stream();
    }

    @Test
    void goldenFilesHaveNoCaseWithoutAJavaValue() {
        CASES.forEach((file, cases) -> {
            Set<String> inFile = new TreeSet<>();
            golden(file).fieldNames().forEachRemaining(inFile::add);
            assertThat(inFile).as("golden/%s.json", file).isEqualTo(new TreeSet<>(cases.keySet()));
        });
    }

    @Test
    void everyWireTypeAndVariantHasAGoldenCase() {
        Set<Object> covered = new LinkedHashSet<>();
        CASES.values().forEach(cases -> cases.values().forEach(c -> {
            covered.add(c.value().getClass());
            if (c.value() instanceof Enum<?> constant) {
                covered.add(constant);
            }
        }));
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Class<?> type : ApiClasses.all()) {
            if (type.isEnum()) {
                for (Object constant : type.getEnumConstants()) {
                    checked++;
                    if (!covered.contains(constant)) {
                        missing.add(type.getSimpleName() + "." + constant);
                    }
                }
            } else if (type.isRecord() && !ApiClasses.NOT_WIRE.contains(type)) {
                checked++;
                if (!covered.contains(type)) {
                    missing.add(type.getName());
                }
            } else if (type.isInterface() && type.isAnnotationPresent(WireEnum.class)) {
                assertThat(type.isSealed()).as("%s is a sealed family", type).isTrue();
            }
        }
        assertThat(missing).as("wire types or variants without a golden case").isEmpty();
        assertThat(checked).as("types and constants checked").isGreaterThan(100);
    }
}
