package dev.cairn.cli;

import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import dev.cairn.server.IssuedToken;
import dev.cairn.server.SqliteTokenStore;
import dev.cairn.server.TokenKind;
import dev.cairn.server.TokenRecord;
import dev.cairn.server.Tokens;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn token create|ls|revoke}: the bearer tokens of the home's server. They live hashed in
 * the home's database; these commands open the home, or, while a {@code cairn server} has it open,
 * attach to its database without the home's lock ({@link SqliteDatabase#attach}).
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Manage the bearer tokens of the home's server (stored hashed in the home's database).",
            "Client tokens call the run and artifact routes; runner tokens the lease and artifact routes.",
            "They work whether or not a `cairn server` has the home open; a running server sees changes at once."
        },
        subcommands = {TokenCommand.Create.class, TokenCommand.Ls.class, TokenCommand.Revoke.class})
final class TokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Cairn.missingSubcommand(spec);
    }

    /** A token's public record (never its value nor its hash). */
    record TokenInfo(String id, String name, String kind, Instant createdAt, Optional<Instant> revokedAt) {
        static TokenInfo of(TokenRecord r) {
            return new TokenInfo(r.id(), r.name(), r.kind().wireName(), r.createdAt(), r.revokedAt());
        }
    }

    /** What {@code cairn token create --json} prints: the token, once. */
    record Created(String token, TokenInfo record) {}

    record TokenList(List<TokenInfo> tokens) {}

    static Path home(Path flag) {
        return NodeOptions.homeFrom(Optional.ofNullable(flag), System.getenv());
    }

    /**
     * Runs {@code action} on the home's tokens: with the home opened here when no process has it
     * (which creates and migrates it if need be), else attached to the database of the process that
     * has it (a running {@code cairn server}, which reads tokens on every request, so a new or
     * revoked token counts from its next request on).
     */
    static <T> T withTokens(Path home, Function<Tokens, T> action) {
        CairnNode node;
        try {
            node = Target.openHome(home, Target.Use.READ);
        } catch (CliException e) {
            if (!"store_locked".equals(e.code())) {
                throw e;
            }
            return attached(home, action);
        }
        try (node) {
            return action.apply(node.tokens());
        }
    }

    private static <T> T attached(Path home, Function<Tokens, T> action) {
        SqliteOptions options = SqliteOptions.builder(new CairnHome(home).database())
                .migrationModule(SqliteTokenStore.MIGRATION_MODULE)
                .readConnections(1)
                .build();
        try (SqliteDatabase db = SqliteDatabase.attach(options)) {
            return action.apply(new Tokens(new SqliteTokenStore(db)));
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a token and print it. It is shown only this once: store it now.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--kind", paramLabel = "KIND", required = true, description = "client or runner.")
        String kind;

        @Option(names = "--name", paramLabel = "NAME", description = "A unique name (default: KIND-<time>).")
        String name;

        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn).")
        Path home;

        @Override
        public Integer call() {
            TokenKind parsed = TokenKind.parse(kind.toLowerCase(Locale.ROOT))
                    .orElseThrow(() -> CliException.usage(
                            "--kind `" + kind + "` is not a token kind", "Use --kind client or --kind runner."));
            String chosen = name != null ? name : parsed.wireName() + "-" + System.currentTimeMillis();
            IssuedToken issued = withTokens(home(home), tokens -> tokens.create(parsed, chosen));
            Output output = Cairn.of(spec).output();
            output.result(new Created(issued.token(), TokenInfo.of(issued.record())), c -> c.token());
            output.note("cairn: " + parsed.wireName() + " token `" + chosen
                    + "` created; it is shown only this once. Pass it as --token or CAIRN_TOKEN.");
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "ls",
            mixinStandardHelpOptions = true,
            description = "List the tokens (names and kinds, never values).")
    static final class Ls implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn).")
        Path home;

        @Override
        public Integer call() {
            List<TokenInfo> tokens = withTokens(
                    home(home), t -> t.list().stream().map(TokenInfo::of).toList());
            Cairn.of(spec)
                    .output()
                    .result(
                            new TokenList(tokens),
                            l -> l.tokens().isEmpty()
                                    ? "no tokens"
                                    : l.tokens().stream()
                                            .map(t -> t.id() + "  " + Progress.pad(t.kind(), 6) + "  " + t.name()
                                                    + "  created " + t.createdAt()
                                                    + t.revokedAt()
                                                            .map(r -> "  revoked " + r)
                                                            .orElse(""))
                                            .collect(Collectors.joining("\n")));
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by name or id.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME|ID", description = "The token's name or id.")
        String which;

        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn).")
        Path home;

        record Revoked(String token, boolean revoked) {}

        @Override
        public Integer call() {
            boolean revoked = withTokens(home(home), t -> t.revoke(which));
            if (!revoked) {
                throw new CliException(
                        "token_not_found",
                        "no active token is named or has the id `" + which + "`",
                        "List them with `cairn token ls`.",
                        ExitCodes.DATA,
                        null);
            }
            Cairn.of(spec).output().result(new Revoked(which, true), r -> "revoked " + r.token());
            return ExitCodes.OK;
        }
    }
}
