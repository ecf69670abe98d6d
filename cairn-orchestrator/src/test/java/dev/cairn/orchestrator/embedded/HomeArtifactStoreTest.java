package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.contracts.RunState;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.store.sqlite.SqliteOptions;
import dev.cairn.testkit.InMemoryEventStore;
import dev.cairn.testkit.contract.SampleEvents;
import dev.cairn.workspace.BlobInventory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The home's artifact store: where blobs go, how they become durable, what reads and collectors see. */
class HomeArtifactStoreTest {

    /** A blob id in an event body, under a field naming an artifact (manifest, snapshots, fact payloads). */
    private static final Pattern REFERENCE = Pattern.compile("\"[a-z_]*_id\":\"([0-9a-f]{64})\"");

    @TempDir
    Path dir;

    private final Random random = new Random(5);
    private SqliteDatabase db;
    private HomeArtifactStore store;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db")).build());
        store = HomeArtifactStore.open(db, dir.resolve("artifacts"));
    }

    @AfterEach
    void close() {
        Thread.interrupted();
        if (store != null) {
            store.close();
            db.close();
        }
    }

    private void reopen() {
        store.close();
        db.close();
        open();
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private long rows(SqliteDatabase database) {
        return database.read(r -> r.queryOne("SELECT count(*) FROM blobs", row -> row.getLong(1)))
                .orElseThrow();
    }

    @Test
    void smallDeferredBlobsGoToTheTableLargerOnesAndPlainPutsToFiles() throws Exception {
        byte[] small = randomBytes(HomeArtifactStore.TABLE_MAX_BLOB);
        byte[] large = randomBytes(HomeArtifactStore.TABLE_MAX_BLOB + 1);
        byte[] plain = randomBytes(100);

        ArtifactId smallId = store.putDeferred(new ArtifactKind.ContextSnapshot(), small);
        ArtifactId largeId = store.putDeferred(new ArtifactKind.ContextSnapshot(), large);
        ArtifactId plainId = store.put(new ArtifactKind.Output(), plain);
        store.sync();

        assertThat(store.table().exists(smallId)).isTrue();
        assertThat(store.files().pathOf(smallId)).doesNotExist();
        assertThat(store.table().exists(largeId)).isFalse();
        assertThat(store.files().exists(largeId)).isTrue();
        assertThat(store.files().pathOf(plainId)).exists();
        assertThat(store.table().exists(plainId)).isFalse();

        reopen();
        assertThat(store.get(smallId)).isEqualTo(small);
        assertThat(store.get(largeId)).isEqualTo(large);
        assertThat(store.get(plainId)).isEqualTo(plain);
        assertThat(store.size(smallId)).isEqualTo(small.length);
        assertThat(store.exists(smallId)).isTrue();
        try (InputStream in = store.openStream(smallId)) {
            assertThat(in.readAllBytes()).isEqualTo(small);
        }
    }

    @Test
    void workspaceBlobsStayFilesForTheWorkspacesOfEveryProcess() {
        ArtifactId tree = store.putDeferred(new ArtifactKind.Other("tree"), randomBytes(300));
        ArtifactId file = store.putDeferred(new ArtifactKind.Other("file"), randomBytes(300));
        ArtifactId spec = store.putDeferred(HomeArtifactStore.PIPELINE_SPEC, randomBytes(300));
        store.sync();

        assertThat(store.files().pathOf(tree)).exists();
        assertThat(store.files().pathOf(file)).exists();
        assertThat(store.table().exists(tree)).isFalse();
        assertThat(store.table().exists(spec)).isTrue();
        assertThat(store.files().pathOf(spec)).doesNotExist();
    }

    @Test
    void anAppendToTheEventLogOfTheSameDatabaseCarriesTheStagedBlobs() {
        SqliteEventStore events = new SqliteEventStore(db);
        ArtifactId id =
                store.putDeferred(new ArtifactKind.FactPayload(), "{\"nonce\":1}".getBytes(StandardCharsets.UTF_8));
        long commits = db.writeCounters().transactions();

        assertThat(store.syncForAppend(events)).isTrue();
        assertThat(db.writeCounters().transactions()).as("no commit of its own").isEqualTo(commits);
        assertThat(store.table().isStaged(id)).isTrue();
        RunId run = SampleEvents.runId(random);
        events.append(run, 0, SampleEvents.envelopes(run, 1, 1));

        assertThat(store.table().isStaged(id)).isFalse();
        assertThat(db.writeCounters().transactions()).isEqualTo(commits + 1);
        reopen();
        assertThat(store.table().exists(id)).isTrue();
    }

    @Test
    void anotherEventStoreCarriesNothingAndTheWriterSyncs() {
        assertThat(store.syncForAppend(new InMemoryEventStore())).isFalse();
        store.carriedBy(new InMemoryEventStore());
        assertThat(store.syncForAppend(new InMemoryEventStore())).isFalse();
    }

    @Test
    void aLargeDeferredBlobIsMadeDurableBeforeTheAppendThatCarriesTheSmallOnes() throws Exception {
        byte[] large = randomBytes(HomeArtifactStore.TABLE_MAX_BLOB * 2);
        store.putDeferred(new ArtifactKind.ContextSnapshot(), large);
        Path journal = dir.resolve("artifacts").resolve("journal");
        assertThat(journal).doesNotExist();

        assertThat(store.syncForAppend(new SqliteEventStore(db))).isTrue();

        // flushed to the file store's journal, which a store opened after a crash replays
        long journaled;
        try (var files = Files.list(journal)) {
            journaled = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(journaled).isGreaterThan(large.length);
    }

    @Test
    void blobsOfAHomeWrittenBeforeTheTableStayReadable() {
        store.close();
        db.close();
        byte[] manifest = "{\"op_id\":\"old\"}".getBytes(StandardCharsets.UTF_8);
        ArtifactId id;
        try (FsArtifactStore files = FsArtifactStore.open(dir.resolve("artifacts"))) {
            id = files.putJournaled(new ArtifactKind.Manifest(), manifest);
            files.sync();
        }
        open();

        assertThat(store.exists(id)).isTrue();
        assertThat(store.get(id)).isEqualTo(manifest);
        assertThat(store.size(id)).isEqualTo(manifest.length);
        assertThat(store.table().exists(id)).isFalse();
    }

    @Test
    void aDamagedTableRowIsCorruptionThroughEveryRead() {
        byte[] bytes = randomBytes(500);
        ArtifactId id = store.putDeferred(new ArtifactKind.ContextSnapshot(), bytes);
        store.sync();
        byte[] damaged = bytes.clone();
        damaged[7] ^= 1;
        db.write(tx -> tx.update("UPDATE blobs SET bytes = ? WHERE id = ?", damaged, id.value()));

        assertThatThrownBy(() -> store.get(id)).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                .isEqualTo("artifact_corrupt"));
        assertThatThrownBy(() -> store.openStream(id).close())
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("artifact_corrupt"));
    }

    @Test
    void theInventoryListsTouchesAndDeletesBlobsOfBothParts() {
        ArtifactId inTable = store.putDeferred(new ArtifactKind.ContextSnapshot(), randomBytes(100));
        ArtifactId inFile = store.put(new ArtifactKind.Output(), randomBytes(100));
        ArtifactId inBoth = store.putDeferred(new ArtifactKind.FactPayload(), randomBytes(100));
        store.put(new ArtifactKind.Output(), store.get(inBoth));
        store.sync();
        BlobInventory inventory = store.inventory();

        List<ArtifactId> listed = new ArrayList<>();
        inventory.forEach(b -> listed.add(b.id()));
        assertThat(listed).containsExactlyInAnyOrder(inTable, inFile, inBoth, inBoth);
        assertThat(inventory.sizeOf(inTable)).hasValue(100);
        assertThat(inventory.freshen(inTable)).isTrue();
        assertThat(inventory.freshen(inFile)).isTrue();

        Instant past = Instant.now().minus(Duration.ofHours(1));
        assertThat(inventory.deleteIfNotModifiedSince(inTable, past)).isFalse();
        assertThat(inventory.deleteIfNotModifiedSince(inFile, past)).isFalse();
        assertThat(store.exists(inTable)).isTrue();
        assertThat(store.exists(inFile)).isTrue();

        Instant future = Instant.now().plus(Duration.ofHours(1));
        assertThat(inventory.deleteIfNotModifiedSince(inTable, future)).isTrue();
        assertThat(inventory.deleteIfNotModifiedSince(inFile, future)).isTrue();
        assertThat(inventory.deleteIfNotModifiedSince(inBoth, future)).isTrue();
        assertThat(store.exists(inTable)).isFalse();
        assertThat(store.exists(inFile)).isFalse();
        assertThat(store.exists(inBoth)).isFalse();
        assertThat(inventory.freshen(inTable))
                .as("gone: the caller must put it again")
                .isFalse();
    }

    @Test
    void aRemoteNodesInlineOutputsAreDurableFilesWithoutATransactionOfTheirOwn() throws Exception {
        store.close();
        db.close();
        store = null;
        try (Harness h = new Harness(dir.resolve("home"))) {
            String runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "w", Map.of());
            HomeArtifactStore artifacts = (HomeArtifactStore) h.orchestrator.artifacts();
            SqliteDatabase database = h.orchestrator.database();
            // what the engine may have staged for its next append when a completion arrives
            ArtifactId staged = artifacts.putDeferred(
                    new ArtifactKind.FactPayload(), "{\"staged\":true}".getBytes(StandardCharsets.UTF_8));
            byte[] first = "first output".getBytes(StandardCharsets.UTF_8);
            byte[] second = new byte[70_000]; // past the table's limit: the same as any output
            random.nextBytes(second);
            long commits = database.writeCounters().transactions();

            h.orchestrator.storeOutputs(List.of(first, second));

            assertThat(database.writeCounters().transactions())
                    .as("no commit of its own")
                    .isEqualTo(commits);
            for (byte[] output : List.of(first, second)) {
                ArtifactId id = new ArtifactId(dev.cairn.json.ArtifactIds.ofBytes(output));
                assertThat(artifacts.files().pathOf(id)).as("a durable file").hasBinaryContent(output);
                assertThat(artifacts.table().exists(id)).isFalse();
            }
            assertThat(artifacts.table().isStaged(staged)).isTrue();

            h.orchestrator.leases().complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("w")));
            assertThat(artifacts.table().isStaged(staged))
                    .as("the completion's transaction carried it")
                    .isFalse();
            assertThat(artifacts.table().exists(staged)).isTrue();
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);
        }
    }

    @Test
    void aRunsSmallBlobsLiveInTheTableWithoutTheFileJournalAndSurviveARestart() throws Exception {
        store.close();
        db.close();
        store = null;
        Path home = dir.resolve("home");
        Set<String> referenced = new LinkedHashSet<>();
        String runId;
        try (Harness h = new Harness(home)) {
            runId = h.submit(LeaseProtocolTest.ONE_STEP);
            LeaseEnvelope lease = LeaseProtocolTest.take(h.orchestrator.leases(), "w", Map.of());
            h.orchestrator.leases().complete(new Completion(LeaseRef.of(lease), LeaseProtocolTest.ok("w")));
            assertThat(h.awaitEnd(runId).state()).isEqualTo(RunState.COMPLETED);

            SqliteDatabase database = h.orchestrator.database();
            for (String body : database.read(r ->
                    r.query("SELECT body FROM events WHERE run_id = ? ORDER BY seq", row -> row.getString(1), runId))) {
                Matcher m = REFERENCE.matcher(body);
                while (m.find()) {
                    referenced.add(m.group(1));
                }
            }
            String manifest = database.read(r ->
                            r.queryOne("SELECT manifest_id FROM runs WHERE run_id = ?", row -> row.getString(1), runId))
                    .orElseThrow();
            HomeArtifactStore artifacts = (HomeArtifactStore) h.orchestrator.artifacts();
            assertThat(referenced).contains(manifest).hasSizeGreaterThanOrEqualTo(4);
            for (String id : referenced) {
                assertThat(artifacts.table().exists(new ArtifactId(id)))
                        .as("blob " + id + " is in the table")
                        .isTrue();
                assertThat(artifacts.files().pathOf(new ArtifactId(id))).doesNotExist();
            }
        }
        assertThat(home.resolve("artifacts").resolve("journal"))
                .as("no blob went through the file store's journal")
                .doesNotExist();

        try (Harness again = new Harness(home)) {
            assertThat(again.orchestrator.replay(runId).verified()).isTrue();
            for (String id : referenced) {
                assertThat(again.orchestrator.artifacts().exists(new ArtifactId(id)))
                        .as(id)
                        .isTrue();
            }
        }
        Files.walk(home.resolve("artifacts").resolve("objects"))
                .filter(Files::isRegularFile)
                .forEach(f ->
                        assertThat(referenced).doesNotContain(f.getFileName().toString()));
    }
}
