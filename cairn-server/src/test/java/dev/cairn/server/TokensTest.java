package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Token creation, checking and revocation, on every {@link TokenStore}. */
class TokensTest {

    @TempDir
    static Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T06:00:00Z"), ZoneOffset.UTC);

    record Store(String name, Supplier<TokenStore> open) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<SqliteDatabase> OPENED = new ArrayList<>();

    static Stream<Store> stores() {
        return Stream.of(new Store("in memory", InMemoryTokenStore::new), new Store("sqlite", () -> {
            SqliteDatabase db =
                    SqliteDatabase.open(SqliteOptions.builder(dir.resolve("tokens-" + System.nanoTime() + ".db"))
                            .migrationModule(SqliteTokenStore.MIGRATION_MODULE)
                            .build());
            OPENED.add(db);
            return new SqliteTokenStore(db);
        }));
    }

    @AfterAll
    static void closeDatabases() {
        OPENED.forEach(SqliteDatabase::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aCreatedTokenAuthenticatesAsItsKindUntilRevoked(Store store) {
        Tokens tokens = new Tokens(store.open().get(), CLOCK, new SecureRandom());
        IssuedToken client = tokens.create(TokenKind.CLIENT, "laptop");
        IssuedToken runner = tokens.create(TokenKind.RUNNER, "worker.eu-1");

        assertThat(client.token()).matches("cairn_c_[A-Za-z0-9_-]{43}");
        assertThat(runner.token()).matches("cairn_r_[A-Za-z0-9_-]{43}");
        assertThat(client.toString()).doesNotContain(client.token().substring(8));
        assertThat(client.record().sha256()).isEqualTo(Tokens.sha256Hex(client.token()));
        assertThat(client.record().id()).isEqualTo(client.record().sha256().substring(0, 12));
        assertThat(client.record().createdAt()).isEqualTo(CLOCK.instant());

        assertThat(tokens.authenticate(client.token())).contains(client.record());
        assertThat(tokens.authenticate(runner.token()).orElseThrow().kind()).isEqualTo(TokenKind.RUNNER);
        assertThat(tokens.authenticate(client.token() + "x")).isEmpty();
        assertThat(tokens.authenticate("cairn_r_" + client.token().substring(8)))
                .isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();
        assertThat(tokens.list()).extracting(TokenRecord::name).containsExactly("laptop", "worker.eu-1");
        assertThat(tokens.anyActive()).isTrue();

        assertThat(tokens.revoke("laptop")).isTrue();
        assertThat(tokens.revoke("laptop")).isFalse();
        assertThat(tokens.authenticate(client.token())).isEmpty();
        assertThat(tokens.revoke(runner.record().id())).isTrue();
        assertThat(tokens.anyActive()).isFalse();
        assertThat(tokens.list()).allSatisfy(r -> assertThat(r.revokedAt()).contains(CLOCK.instant()));
        // A revoked name may be used again.
        assertThat(tokens.create(TokenKind.CLIENT, "laptop").record().active()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void namesAreCheckedAndUniqueAmongActiveTokens(Store store) {
        Tokens tokens = new Tokens(store.open().get(), CLOCK, new SecureRandom());
        tokens.create(TokenKind.CLIENT, "ci");
        assertThatThrownBy(() -> tokens.create(TokenKind.RUNNER, "ci"))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.code()).isEqualTo("token_name_taken"));
        for (String bad : new String[] {"", "-x", "a b", "x".repeat(65), "naïve"}) {
            assertThatThrownBy(() -> tokens.create(TokenKind.CLIENT, bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            ServerException.class, e -> assertThat(e.code()).isEqualTo("invalid_token_name"));
        }
        assertThat(tokens.list()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void twoTokensNeverCollide(Store store) {
        Tokens tokens = new Tokens(store.open().get());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add(tokens.create(TokenKind.RUNNER, "w" + i).token()))
                    .isTrue();
        }
    }
}
