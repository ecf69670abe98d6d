package dev.cairn.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files, written by hand as the TypeScript services put the Zod types on the wire (empty
 * optionals left out, dates as {@code toISOString()}, integral numbers without a fraction): each
 * value is written as its file (compared as JSON trees) and read back from it unchanged.
 */
class GoldenTest {

    record Golden(String file, Class<?> type, Object value) {}

    static final List<Golden> GOLDEN = List.of(
            new Golden("RunRequest/full", RunRequest.class, Values.FULL_REQUEST),
            new Golden("RunRequest/minimal", RunRequest.class, Values.MINIMAL_REQUEST),
            new Golden("SubmitRunResponse/accepted", SubmitRunResponse.class, new SubmitRunResponse(Values.RUN)),
            new Golden("RunStatus/running", RunStatus.class, Values.RUNNING),
            new Golden("RunSummary/completed", RunSummary.class, Values.COMPLETED),
            new Golden("RunRunnersRequest/configs", RunRunnersRequest.class, Values.EXECUTE),
            new Golden("RunRunnersResponse/results", RunRunnersResponse.class, Values.EXECUTED),
            new Golden("RunnerInfoResponse/info", RunnerInfoResponse.class, Values.INFO),
            new Golden(
                    "ErrorEnvelope/runner-not-found",
                    ErrorEnvelope.class,
                    ContractException.runnerNotFound(
                                    List.of("lint"), List.of("checkoutFlowTest", "exampleTitleVisibleTest"))
                            .toEnvelope()),
            new Golden(
                    "ErrorEnvelope/missing-field",
                    ErrorEnvelope.class,
                    ErrorEnvelope.from(ErrorsTest.failure("{\"runners\":[{\"name\":\"smoke\"}]}", RunRequest.class))));

    @TestFactory
    Stream<DynamicTest> valuesAreWrittenAsTheirGoldenFileAndReadBack() {
        return GOLDEN.stream()
                .map(g -> DynamicTest.dynamicTest(g.file(), () -> {
                    String golden = resource("/golden/" + g.file() + ".json");
                    assertThat(tree(Wire.write(g.value()))).isEqualTo(tree(golden));
                    assertThat(Wire.read(golden, g.type())).isEqualTo(g.value());
                }));
    }

    static JsonNode tree(String json) {
        return Wire.read(json, JsonNode.class);
    }

    static String resource(String path) throws IOException {
        try (InputStream in = GoldenTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
