package dev.cairn.cli;

import static dev.cairn.cli.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.time.Clock;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.workspace.OutputArtifact;
import dev.cairn.workspace.SnapshotResult;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import dev.cairn.workspace.cache.CacheCommit;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.CacheKeyInput;
import dev.cairn.workspace.cache.CacheKeyPreimage;
import dev.cairn.workspace.cache.HostKey;
import dev.cairn.workspace.cache.PinTarget;
import dev.cairn.workspace.cache.SqliteActionCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn cache} through the real entry point on a real home: a SQLite database with the
 * action cache and a filesystem artifact store, filled the way the executor fills them (snapshots
 * of real directories, commits with preimages).
 */
class CacheCommandTest {

    static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

    @TempDir
    Path tmp;

    private Path home() {
        return tmp.resolve("home");
    }

    /** The home's stores, open only while a test fills them (the CLI needs the database's lock). */
    private void withHome(Clock clock, Consumer<Fixture> body) {
        try (FsArtifactStore store = FsArtifactStore.open(home().resolve("artifacts"));
                SqliteDatabase db = SqliteDatabase.open(SqliteOptions.builder(home().resolve("cairn.db"))
                        .migrationModule(SqliteActionCache.MIGRATION_MODULE)
                        .build())) {
            body.accept(new Fixture(store, SqliteActionCache.open(db, clock), Workspaces.open(store)));
        }
    }

    private void withHome(Consumer<Fixture> body) {
        withHome(Clock.system(), body);
    }

    record Fixture(FsArtifactStore store, SqliteActionCache cache, Workspaces workspaces) {}

    private static final HostKey HOST_KEY = HostKey.of(new byte[32]);

    /** Snapshots a real directory with {@code files} and commits it under the key of {@code argv}. */
    private CacheKey commit(Fixture f, String origin, Map<String, String> files, String... argv) {
        Path dir = tmp.resolve("ws").resolve(origin.replace('/', '_'));
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        SnapshotResult snapshot = f.workspaces().snapshot(dir);
        CommandStep step = CommandStep.argv(argv)
                .cell(CellProfile.PROCESS)
                .output("out/**")
                .build();
        CacheKeyPreimage preimage = CacheKey.preimage(
                CacheKeyInput.forStep(step)
                        .env(Map.of("LANG", "C.UTF-8"))
                        .executorVersion("cairn-command/1")
                        .build(),
                HOST_KEY);
        CacheKey key = CacheKey.of(preimage);
        List<OutputArtifact> outputs = f.workspaces().outputs(snapshot.tree(), List.of("out/**"));
        f.cache()
                .commit(new CacheCommit(
                        key, snapshot.tree(), outputs, snapshot.uniqueBytes(), origin, Optional.of(preimage)));
        return key;
    }

    private static CacheCommit bare(String key, TreeId tree) {
        return new CacheCommit(new CacheKey(key), tree, List.of(), 10, "test", Optional.empty());
    }

    private CliRun cache(String... args) {
        List<String> all = new ArrayList<>(List.of("cache"));
        all.addAll(List.of(args));
        all.add("--home");
        all.add(home().toString());
        return cairn(all.toArray(String[]::new));
    }

    @Test
    void lsListsMostRecentlyUsedFirstWithTotals() {
        Instant past = Instant.parse("2026-01-01T00:00:00Z");
        List<CacheKey> keys = new ArrayList<>();
        withHome(past::toEpochMilli, f -> {
            keys.add(commit(
                    f,
                    "run/r1/step/build",
                    Map.of("out/app.jar", "jar bytes", "src/A.java", "class A {}"),
                    "make",
                    "build"));
            keys.add(commit(f, "run/r1/step/test", Map.of("out/report.txt", "ok"), "make", "test"));
        });
        withHome(f -> assertThat(f.cache().lookupForUse(keys.getFirst(), "run/r2", Duration.ofMinutes(5)))
                .isPresent());

        CliRun ls = cache("ls");
        assertThat(ls.exit()).as(ls.stderr()).isZero();
        List<String> lines = ls.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("KEY").contains("SIZE", "HITS", "LAST USED", "ORIGIN");
        assertThat(lines.get(1))
                .startsWith(keys.get(0).value().substring(0, 12))
                .endsWith("run/r1/step/build");
        assertThat(lines.get(2))
                .startsWith(keys.get(1).value().substring(0, 12))
                .endsWith("run/r1/step/test")
                .contains("2026-01-01T00:00:00Z");
        assertThat(lines.get(3)).startsWith("2 entries, ").endsWith(" 1 hits, 2 active pins");

        JsonNode json = StrictJson.parse(cache("ls", "--json", "--limit", "1").stdout());
        assertThat(json.get("entries")).hasSize(1);
        JsonNode first = json.get("entries").get(0);
        assertThat(first.get("key").textValue()).isEqualTo(keys.get(0).value());
        assertThat(first.get("hits").longValue()).isEqualTo(1);
        assertThat(first.get("outputs").intValue()).isEqualTo(1);
        assertThat(first.get("size_bytes").longValue()).isPositive();
        assertThat(json.get("truncated").booleanValue()).isTrue();
        assertThat(json.get("stats").get("entries").longValue()).isEqualTo(2);
        assertThat(json.get("home").textValue())
                .isEqualTo(home().toAbsolutePath().toString());

        CliRun bad = cache("ls", "--limit", "0");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void showPrintsTheEntryAndWhatItsKeyIsMadeOf() {
        List<CacheKey> keys = new ArrayList<>();
        withHome(f -> keys.add(commit(f, "run/r1/step/build", Map.of("out/app.jar", "jar"), "make", "build")));
        String key = keys.getFirst().value();

        CliRun human = cache("show", key.substring(0, 8));
        assertThat(human.exit()).as(human.stderr()).isZero();
        assertThat(human.out())
                .startsWith("key        " + key + "\n")
                .contains("origin     run/r1/step/build", "out/app.jar", "\"executor_version\" : \"cairn-command/1\"")
                .contains("\"argv\"", "\"make\"", "\"LANG\" : \"C.UTF-8\"");

        CliRun json = cache("show", "cache:" + key, "--json");
        assertThat(json.exit()).isZero();
        JsonNode entry = StrictJson.parse(json.stdout());
        assertThat(entry.get("key").textValue()).isEqualTo(key);
        JsonNode preimage = entry.get("preimage");
        assertThat(preimage.get("format").intValue()).isEqualTo(1);
        assertThat(preimage.get("cell").textValue()).isEqualTo("process");
        assertThat(preimage.get("outputs").get(0).textValue()).isEqualTo("out/**");
        // The preimage shown is exactly what the key is the hash of.
        assertThat(ArtifactIds.ofJson(preimage)).isEqualTo(key);
        assertThat(entry.get("outputs").get(0).get("key").textValue()).isEqualTo("out/app.jar");
    }

    @Test
    void anAmbiguousPrefixListsTheCandidatesAndUnknownKeysAreTypedErrors() {
        String a = "abcd" + "0".repeat(60);
        String b = "abcd" + "1".repeat(60);
        withHome(f -> {
            TreeId tree = f.workspaces().treeBuilder().build();
            f.cache().commit(bare(a, tree));
            f.cache().commit(bare(b, tree));
        });

        CliRun ambiguous = cache("show", "abcd", "--json");
        assertThat(ambiguous.exit()).isEqualTo(ExitCodes.USAGE);
        JsonNode error = StrictJson.parse(ambiguous.stderr()).get("error");
        assertThat(error.get("code").textValue()).isEqualTo("ambiguous_cache_key");
        assertThat(error.get("message").textValue()).contains("matches 2 entries", a, b);
        assertThat(error.get("hint").textValue()).contains("more digits");

        CliRun unique = cache("show", "abcd1");
        assertThat(unique.exit()).isZero();
        assertThat(unique.out()).contains("preimage   not recorded");

        CliRun missing = cache("show", "ffff");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.stderr()).startsWith("error[cache_entry_not_found]: ");

        CliRun invalid = cache("show", "xyz");
        assertThat(invalid.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(invalid.stderr()).startsWith("error[invalid_cache_key]: ").contains("first 4 hex digits");

        CliRun rmAmbiguous = cache("rm", "abcd");
        assertThat(rmAmbiguous.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(rmAmbiguous.stderr()).startsWith("error[ambiguous_cache_key]: ");
    }

    @Test
    void rmRemovesByKeyByAgeAndBySize() {
        Instant old = Instant.now().minus(Duration.ofDays(10));
        List<CacheKey> oldKeys = new ArrayList<>();
        List<CacheKey> newKeys = new ArrayList<>();
        withHome(old::toEpochMilli, f -> {
            oldKeys.add(commit(f, "old/1", Map.of("out/a", "a".repeat(100)), "a"));
            oldKeys.add(commit(f, "old/2", Map.of("out/b", "b".repeat(100)), "b"));
        });
        withHome(f -> {
            newKeys.add(commit(f, "new/1", Map.of("out/c", "c".repeat(1000)), "c"));
            newKeys.add(commit(f, "new/2", Map.of("out/d", "d".repeat(1000)), "d"));
            newKeys.add(commit(f, "new/3", Map.of("out/e", "e".repeat(1000)), "e"));
        });

        CliRun byAge = cache("rm", "--unused-since", "7d", "--json");
        assertThat(byAge.exit()).as(byAge.stderr()).isZero();
        JsonNode removed = StrictJson.parse(byAge.stdout());
        assertThat(removed.get("removed").longValue()).isEqualTo(2);
        assertThat(removed.get("stats").get("entries").longValue()).isEqualTo(3);

        CliRun byKey = cache("rm", newKeys.get(2).value().substring(0, 10));
        assertThat(byKey.exit()).isZero();
        assertThat(byKey.out()).startsWith("removed 1 entry; 2 left").contains("cairn cache gc");

        withHome(f -> {
            assertThat(f.cache().lookup(newKeys.get(2))).isEmpty();
            assertThat(f.cache().lookup(newKeys.get(0))).isPresent();
        });
        CliRun bySize = cache("rm", "--max-size", "2K", "--json");
        assertThat(bySize.exit()).isZero();
        JsonNode trimmed = StrictJson.parse(bySize.stdout());
        assertThat(trimmed.get("removed").longValue()).isEqualTo(1);
        assertThat(trimmed.get("stats").get("size_bytes").longValue()).isLessThanOrEqualTo(2048);

        assertThat(cache("rm").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cache("rm", "abcd", "--max-size", "1G").exit()).isEqualTo(ExitCodes.USAGE);
        CliRun badSize = cache("rm", "--max-size", "lots");
        assertThat(badSize.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSize.stderr()).contains("500M");
        CliRun badAge = cache("rm", "--unused-since", "-1d");
        assertThat(badAge.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badAge.stderr()).contains("7d");
    }

    @Test
    void gcDeletesWhatNothingReferencesAndKeepsEntriesPinsAndRecentBlobs() {
        List<ArtifactId> orphans = new ArrayList<>();
        List<CacheKey> keys = new ArrayList<>();
        List<TreeId> pinned = new ArrayList<>();
        ArtifactId[] recent = new ArtifactId[1];
        withHome(f -> {
            keys.add(commit(
                    f, "run/r1/step/build", Map.of("out/app.jar", "kept jar", "src/Main.java", "kept src"), "make"));
            SnapshotResult pinnedTree = f.workspaces().snapshot(write("pinned", "pinned file"));
            pinned.add(pinnedTree.tree());
            f.cache()
                    .pin(
                            "run/r9/step/x/attempt/1",
                            List.of(new PinTarget.Tree(pinnedTree.tree())),
                            Duration.ofHours(1));
            for (int i = 0; i < 3; i++) {
                ArtifactId orphan =
                        f.store().put(new ArtifactKind.Output(), ("orphan " + i).getBytes(StandardCharsets.UTF_8));
                age(f.store(), orphan);
                orphans.add(orphan);
            }
            recent[0] = f.store().put(new ArtifactKind.Output(), "written just now".getBytes(StandardCharsets.UTF_8));
        });

        CliRun dry = cache("gc", "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.stderr()).isZero();
        JsonNode dryReport = StrictJson.parse(dry.stdout()).get("collection");
        assertThat(dryReport.get("dry_run").booleanValue()).isTrue();
        assertThat(dryReport.get("deleted").longValue()).isEqualTo(3);
        withHome(f -> assertThat(orphans).allMatch(f.store()::exists));

        CliRun gc = cache("gc");
        assertThat(gc.exit()).as(gc.stderr()).isZero();
        assertThat(gc.out())
                .startsWith("deleted 3 of ")
                .contains("1 cache entries, 1 pins and 0 runs", "kept 1 unreferenced blobs");

        withHome(f -> {
            assertThat(orphans).noneMatch(f.store()::exists);
            assertThat(f.store().exists(recent[0])).isTrue();
            // The entry's snapshot is whole: it can be restored, its outputs served.
            Path restored = tmp.resolve("restored");
            f.workspaces()
                    .materialize(f.cache().lookup(keys.getFirst()).orElseThrow().snapshot(), restored);
            assertThat(restored.resolve("out/app.jar")).hasContent("kept jar");
            assertThat(restored.resolve("src/Main.java")).hasContent("kept src");
            f.workspaces().materialize(pinned.getFirst(), tmp.resolve("pinned-restored"));
            assertThat(tmp.resolve("pinned-restored").resolve("f")).hasContent("pinned file");
        });

        CliRun noGrace = cache("gc", "--grace", "0s", "--json");
        assertThat(noGrace.exit()).isZero();
        assertThat(StrictJson.parse(noGrace.stdout())
                        .get("collection")
                        .get("deleted")
                        .longValue())
                .isEqualTo(1);
        withHome(f -> assertThat(f.store().exists(recent[0])).isFalse());
    }

    @Test
    void aHomeThatIsMissingOrInUseIsATypedError() {
        CliRun missing = cache("ls");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.stderr())
                .startsWith("error[home_not_found]: no Cairn home at ")
                .contains("--home");
        assertThat(home()).doesNotExist();

        withHome(f -> {
            CliRun locked = cache("gc", "--json");
            assertThat(locked.exit()).isEqualTo(ExitCodes.IO);
            JsonNode error = StrictJson.parse(locked.stderr()).get("error");
            assertThat(error.get("code").textValue()).isEqualTo("store_locked");
            assertThat(error.get("hint").textValue()).contains("Another Cairn process");
        });
    }

    private Path write(String name, String content) {
        Path dir = tmp.resolve("ws").resolve(name);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("f"), content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return dir;
    }

    static void age(FsArtifactStore store, ArtifactId id) {
        try {
            Files.setLastModifiedTime(store.pathOf(id), LONG_AGO);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
