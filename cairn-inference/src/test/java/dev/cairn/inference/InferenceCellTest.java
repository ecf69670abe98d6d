package dev.cairn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cells.CellProfile;
import dev.cairn.cells.CellResult;
import dev.cairn.cells.CellRuntime;
import dev.cairn.cells.CellSpec;
import dev.cairn.cells.NetworkPolicy;
import dev.cairn.json.wire.Wire;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.FakeChatServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command in a real sandboxed cell ({@code cairn-cells}, bubblewrap) reaches its inference endpoint
 * through a network grant, with curl, and nothing else: the way docs/inference.md says to wire it.
 */
class InferenceCellTest {

    static final String ASK = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"from the cell\"}],"
            + "\"max_tokens\":12}";

    static final String CURL = "curl -sS --max-time 20 -X POST \"$OPENAI_BASE_URL/chat/completions\""
            + " -H \"Authorization: Bearer $OPENAI_API_KEY\" -H 'Content-Type: application/json' -d '" + ASK + "'";

    static CellRuntime runtime;

    @TempDir
    Path dir;

    FakeChatServer upstream;
    SqliteDatabase db;
    SqliteTokenBudgets budgets;
    OpenAiCompatibleBroker broker;
    InferenceEndpoints endpoints;
    Path workspace;

    @BeforeAll
    static void startRuntime() {
        runtime = CellRuntime.create();
    }

    @AfterAll
    static void stopRuntime() {
        runtime.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        var status = runtime.sandboxStatus();
        if (!status.available()) {
            if ("1".equals(System.getenv("CAIRN_ALLOW_NO_SANDBOX"))) {
                Assumptions.abort("sandbox unavailable and CAIRN_ALLOW_NO_SANDBOX=1: " + status.reason());
            }
            fail("the bubblewrap sandbox does not work here: " + status.reason()
                    + " (set CAIRN_ALLOW_NO_SANDBOX=1 to skip sandbox tests on such a machine)");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        workspace = Files.createDirectory(dir.resolve("ws"));
        upstream = new FakeChatServer();
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("events.db"))
                .migrationModule(SqliteTokenBudgets.MIGRATION_MODULE)
                .build());
        budgets = SqliteTokenBudgets.open(db, () -> 0L, 1_000);
        broker = new OpenAiCompatibleBroker(
                OpenAiOptions.builder(upstream.baseUri(), "m").maxAttempts(1).build(), d -> {}, () -> 0L);
        endpoints = new InferenceEndpoints(broker, budgets, () -> 0L);
    }

    @AfterEach
    void tearDown() {
        if (broker != null) {
            broker.close();
            db.close();
            upstream.close();
        }
    }

    CellSpec.Builder cell(String id, NetworkPolicy network, InferenceEndpoint endpoint) {
        return CellSpec.builder(id, workspace)
                .profile(CellProfile.SANDBOX)
                .argv(List.of("/bin/sh", "-c", CURL))
                .network(network)
                .env(endpoint.environment())
                .limits(dev.cairn.cells.CellLimits.builder()
                        .wallClock(Duration.ofSeconds(60))
                        .build());
    }

    @Test
    void aGrantedCellAsksThroughItsEndpointAndIsCharged() {
        try (InferenceEndpoint endpoint = endpoints.start("inference-cell-1", "run-c")) {
            CellResult result = runtime.run(cell("inference-cell-1", NetworkPolicy.granted(endpoint.grant()), endpoint)
                            .build())
                    .result();

            assertThat(result.succeeded()).as(result.stderrText()).isTrue();
            JsonNode answer = Wire.read(result.stdoutText(), JsonNode.class);
            assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("echo: from the cell");
            assertThat(answer.at("/usage/total_tokens").asLong()).isEqualTo(8);
        }
        assertThat(upstream.requests()).isEqualTo(1);
        assertThat(upstream.seen().getFirst().header(OpenAiCompatibleBroker.CELL_HEADER))
                .isEqualTo("inference-cell-1");
        assertThat(budgets.calls("run-c")).extracting(InferenceCall::cellId).containsExactly("inference-cell-1");
        assertThat(budgets.state("run-c")).contains(BudgetState.of("run-c", 1_000, 8, 0));
    }

    @Test
    void withoutTheGrantTheCellCannotReachIt() {
        try (InferenceEndpoint endpoint = endpoints.start("inference-cell-2", "run-c")) {
            CellResult result = runtime.run(cell("inference-cell-2", NetworkPolicy.none(), endpoint)
                            .build())
                    .result();

            assertThat(result.succeeded()).isFalse();
        }
        assertThat(upstream.requests()).isZero();
        assertThat(budgets.state("run-c")).isEmpty();
    }
}
