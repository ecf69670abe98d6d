package dev.cairn.machine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import java.util.UUID;

/** Values shared by the tests; the golden files use the same ones. */
public final class Fixtures {

    public static final RunId RUN = new RunId(UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30"));
    public static final RunId CHILD_RUN = new RunId(UUID.fromString("5f1d3c2a-8e4b-4f6a-9c7d-1a2b3c4d5e6f"));
    /** SHA-256 of {@code hello}. */
    public static final ArtifactId HELLO =
            new ArtifactId("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    /** SHA-256 of the empty string. */
    public static final ArtifactId EMPTY =
            new ArtifactId("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /** SHA-256 of {@code hello world}. */
    public static final ArtifactId HELLO_WORLD =
            new ArtifactId("a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e");

    public static final StateId READ_ETH = new StateId("portfolio_snapshot.fetch_balances.read_eth");
    public static final StateId RENDER = new StateId("portfolio_snapshot.report.render");
    public static final FactKey PRICES = new FactKey("http:prices|2026-11-23");

    public static final ErrorInfo UPSTREAM_DOWN =
            ErrorInfo.of("upstream_down", ErrorCategory.OFF_CHAIN, true, "price feed unavailable");
    public static final ErrorInfo MISSING_FACT_KEY = ErrorInfo.of(
            "missing_fact_key",
            ErrorCategory.PARSING_INPUT,
            false,
            "missing fact key for deterministic IO in replay mode");

    private Fixtures() {}

    /** Parses JSON text (test input, trusted). */
    public static JsonNode json(String text) {
        try {
            return Wire.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
