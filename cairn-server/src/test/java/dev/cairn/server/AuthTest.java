package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.server.fixture.FixtureOrchestrator;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what: tokens optional on loopback, required beyond it (or with requireAuth), kinds
 * checked per route, and tokens kept only as hashes.
 */
class AuthTest {

    private static final String RUN = "{\"runners\":[{\"name\":\"a\"}],\"mode\":\"local\"}";

    @TempDir
    Path dir;

    private FixtureOrchestrator orchestrator;

    @BeforeEach
    void orchestrator() {
        orchestrator = new FixtureOrchestrator(new InMemoryArtifactStore(), new ManualClock(), 7);
    }

    @AfterEach
    void close() {
        orchestrator.close();
    }

    @Test
    void onLoopbackTokensAreOptionalButASentTokenIsChecked() {
        try (FixtureServer server = FixtureServer.start()) {
            Http http = new Http(server.uri());
            assertThat(server.server().authRequired()).isFalse();
            assertThat(http.post("/run").json(RUN).send().status()).isEqualTo(200);
            assertThat(http.post("/v1/leases/acquire")
                            .json("{\"worker_id\":\"w\",\"capabilities\":[\"x\"],\"max\":1,"
                                    + "\"max_wait\":{\"secs\":0,\"nanos\":0}}")
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(http.post("/run")
                            .bearer(server.clientToken())
                            .json(RUN)
                            .send()
                            .status())
                    .isEqualTo(200);
            assertThat(http.post("/run")
                            .bearer("cairn_c_" + "x".repeat(43))
                            .json(RUN)
                            .send()
                            .code())
                    .isEqualTo("unauthenticated");
            assertThat(http.post("/run")
                            .bearer(server.runnerToken())
                            .json(RUN)
                            .send()
                            .code())
                    .isEqualTo("forbidden");
        }
    }

    @Test
    void aServerWithoutTokensStartsOnLoopbackWithoutATokenStore() {
        try (Server server =
                Server.start(ServerOptions.builder(orchestrator).port(0).build())) {
            Http http = new Http(server.uri());
            assertThat(http.get("/v1/runs").send().status()).isEqualTo(200);
            assertThat(http.get("/v1/runs")
                            .bearer("cairn_c_" + "x".repeat(43))
                            .send()
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void beyondLoopbackWithoutTokensTheServerRefusesToStart() {
        assertThatThrownBy(() -> Server.start(ServerOptions.builder(orchestrator)
                        .bindAddress("0.0.0.0")
                        .port(0)
                        .build()))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.code()).isEqualTo("auth_required");
                    assertThat(e.getMessage()).contains("0.0.0.0", "no token store");
                    assertThat(e.hint()).contains("cairn token create");
                });
        assertThatThrownBy(() -> Server.start(ServerOptions.builder(orchestrator)
                        .bindAddress("0.0.0.0")
                        .port(0)
                        .tokenStore(new InMemoryTokenStore())
                        .build()))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.getMessage()).contains("no token exists"));
        InMemoryTokenStore revokedOnly = new InMemoryTokenStore();
        new Tokens(revokedOnly).create(TokenKind.CLIENT, "old");
        new Tokens(revokedOnly).revoke("old");
        assertThatThrownBy(() -> Server.start(ServerOptions.builder(orchestrator)
                        .bindAddress("::")
                        .port(0)
                        .tokenStore(revokedOnly)
                        .build()))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.code()).isEqualTo("auth_required"));
        assertThatThrownBy(() -> Server.start(ServerOptions.builder(orchestrator)
                        .port(0)
                        .requireAuth(true)
                        .build()))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.getMessage()).contains("--require-auth"));
    }

    @Test
    void beyondLoopbackWithATokenEveryRouteButOperationsNeedsOne() {
        InMemoryTokenStore store = new InMemoryTokenStore();
        IssuedToken client = new Tokens(store).create(TokenKind.CLIENT, "ci");
        try (Server server = Server.start(ServerOptions.builder(orchestrator)
                .bindAddress("0.0.0.0")
                .port(0)
                .tokenStore(store)
                .build())) {
            assertThat(server.authRequired()).isTrue();
            Http http = new Http(java.net.URI.create("http://127.0.0.1:" + server.port()));
            Http.Response anonymous = http.post("/run").json(RUN).send();
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).contains("Bearer realm=\"cairn\"");
            assertThat(http.post("/run").bearer(client.token()).json(RUN).send().status())
                    .isEqualTo(200);
            assertThat(http.get("/healthz").send().status()).isEqualTo(200);
            assertThat(http.get("/metrics").send().text()).contains("cairn_http_server_auth_failures_total");
            assertThat(http.get("/openapi.yaml").send().status()).isEqualTo(200);
        }
    }

    @Test
    void withRequireAuthMissingUnknownAndWrongKindTokensAreRefused() {
        try (FixtureServer server = FixtureServer.builder().requireAuth(true).start()) {
            Http http = new Http(server.uri());
            String artifact = "/v1/artifacts/" + "0".repeat(64);
            String acquire = "{\"worker_id\":\"w\",\"capabilities\":[\"x\"],\"max\":1,"
                    + "\"max_wait\":{\"secs\":0,\"nanos\":0}}";
            // Missing.
            assertThat(http.get("/v1/runs").send().status()).isEqualTo(401);
            assertThat(http.get(artifact).send().status()).isEqualTo(401);
            assertThat(http.post("/v1/leases/acquire").json(acquire).send().status())
                    .isEqualTo(401);
            // Malformed and unknown.
            assertThat(http.get("/v1/runs")
                            .header("Authorization", "Bearer")
                            .send()
                            .status())
                    .isEqualTo(401);
            assertThat(http.get("/v1/runs")
                            .header("Authorization", "Token " + server.clientToken())
                            .send()
                            .status())
                    .isEqualTo(401);
            String forged = "cairn_r_" + server.clientToken().substring(8);
            assertThat(http.get(artifact).bearer(forged).send().status()).isEqualTo(401);
            // Kinds.
            assertThat(http.get("/v1/runs").bearer(server.clientToken()).send().status())
                    .isEqualTo(200);
            assertThat(http.get("/v1/runs").bearer(server.runnerToken()).send().code())
                    .isEqualTo("forbidden");
            assertThat(http.post("/v1/leases/acquire")
                            .bearer(server.runnerToken())
                            .json(acquire)
                            .send()
                            .status())
                    .isEqualTo(200);
            Http.Response clientOnLeases = http.post("/v1/leases/acquire")
                    .bearer(server.clientToken())
                    .json(acquire)
                    .send();
            assertThat(clientOnLeases.status()).isEqualTo(403);
            assertThat(clientOnLeases.json().at("/details/allowed_kinds/0").asText())
                    .isEqualTo("runner");
            // Artifacts take both kinds.
            assertThat(http.get(artifact).bearer(server.clientToken()).send().code())
                    .isEqualTo("artifact_not_found");
            assertThat(http.get(artifact).bearer(server.runnerToken()).send().code())
                    .isEqualTo("artifact_not_found");
            // A token revoked while the server runs stops working at once.
            new Tokens(server.tokenStore()).revoke("test-client");
            assertThat(http.get("/v1/runs").bearer(server.clientToken()).send().status())
                    .isEqualTo(401);
        }
    }

    @Test
    void tokensInTheDatabaseAreStoredOnlyAsHashes() throws Exception {
        Path file = dir.resolve("cairn.db");
        List<String> issued = new ArrayList<>();
        try (SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(file)
                .migrationModule(SqliteTokenStore.MIGRATION_MODULE)
                .build())) {
            Tokens tokens = new Tokens(new SqliteTokenStore(db));
            issued.add(tokens.create(TokenKind.CLIENT, "laptop").token());
            issued.add(tokens.create(TokenKind.RUNNER, "worker-eu").token());
            try (Server server = Server.start(ServerOptions.builder(orchestrator)
                    .port(0)
                    .requireAuth(true)
                    .tokenStore(new SqliteTokenStore(db))
                    .build())) {
                Http http = new Http(server.uri());
                assertThat(http.get("/v1/runs").bearer(issued.get(0)).send().status())
                        .isEqualTo(200);
                assertThat(http.get("/v1/runs").bearer(issued.get(1)).send().status())
                        .isEqualTo(403);
            }
        }
        // Read the database behind the store's back: no column of any row holds a token.
        List<String> cells = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT * FROM server_tokens")) {
            ResultSetMetaData meta = rows.getMetaData();
            while (rows.next()) {
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    cells.add(String.valueOf(rows.getObject(c)));
                }
            }
        }
        assertThat(cells).contains(Tokens.sha256Hex(issued.get(0)), Tokens.sha256Hex(issued.get(1)));
        for (String token : issued) {
            String secret = token.substring(Tokens.PREFIX.length() + 2);
            assertThat(cells).allSatisfy(cell -> assertThat(cell).doesNotContain(secret));
        }
        // Nor does any byte of the database files.
        for (Path f : Files.list(dir).toList()) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String token : issued) {
                assertThat(bytes).as(f.toString()).doesNotContain(token.substring(Tokens.PREFIX.length() + 2));
            }
        }
    }
}
