package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.contract.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small blobs in the database: carried by the next commit, read verified, collected safely. */
class SqliteBlobTableTest {

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Random random = new Random(11);
    private SqliteDatabase db;
    private SqliteBlobTable table;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db")).build());
        table = SqliteBlobTable.open(db, now::get);
    }

    @AfterEach
    void close() {
        Thread.interrupted();
        table.close();
        db.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void reopen() {
        table.close();
        db.close();
        db = SqliteDatabase.open(SqliteOptions.builder(dir.resolve("cairn.db")).build());
        table = SqliteBlobTable.open(db, now::get);
    }

    private long rows() {
        return db.read(r -> r.queryOne("SELECT count(*) FROM blobs", row -> row.getLong(1)))
                .orElseThrow();
    }

    @Test
    void aStagedBlobIsReadableAtOnceAndDurableWithTheNextWriteOfAnyKind() {
        ArtifactId id = table.stage(bytes("checkpoint"));

        assertThat(id.value()).isEqualTo(ArtifactIds.ofBytes(bytes("checkpoint")));
        assertThat(table.isStaged(id)).isTrue();
        assertThat(table.get(id)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("checkpoint")));
        assertThat(table.exists(id)).isTrue();
        assertThat(table.size(id)).hasValue(10);
        assertThat(rows()).isZero();

        // an append that names the blob: the same transaction writes the blob
        RunId run = SampleEvents.runId(random);
        db.write(tx -> tx.append(EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 1))));

        assertThat(table.isStaged(id)).isFalse();
        assertThat(rows()).isEqualTo(1);
        reopen();
        assertThat(table.get(id)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("checkpoint")));
        assertThat(table.size(id)).hasValue(10);
    }

    @Test
    void syncCommitsWhatIsStagedAndDoesNothingWhenNothingIs() {
        long before = db.writeCounters().transactions();
        table.sync();
        assertThat(db.writeCounters().transactions()).isEqualTo(before);

        ArtifactId a = table.stage(bytes("a"));
        ArtifactId b = table.stage(bytes("b"));
        table.sync();

        assertThat(db.writeCounters().transactions()).isEqualTo(before + 1);
        assertThat(table.stagedCount()).isZero();
        reopen();
        assertThat(table.exists(a)).isTrue();
        assertThat(table.exists(b)).isTrue();
        assertThat(table.exists(new ArtifactId(ArtifactIds.ofBytes(bytes("c")))))
                .isFalse();
        assertThat(table.get(new ArtifactId(ArtifactIds.ofBytes(bytes("c"))))).isEmpty();
    }

    @Test
    void aTransactionThatRollsBackKeepsItsBlobsStagedForTheNextOne() {
        ArtifactId id = table.stage(bytes("needed by a later append"));
        AtomicBoolean fail = new AtomicBoolean(true);
        // another rider failing once rolls the whole transaction back, the blob table's writes with it
        try (SqliteDatabase.Subscription ignored = db.carry(tx -> {
            if (fail.getAndSet(false)) {
                throw new IllegalStateException("disk full, say");
            }
            return null;
        })) {
            RunId run = SampleEvents.runId(random);
            assertThatThrownBy(
                            () -> db.write(tx -> tx.append(EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 1)))))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.code()).isEqualTo("storage_unavailable");
                        assertThat(e.retryable()).isTrue();
                    });
            assertThat((long) db.read(r -> r.headSeq(run)))
                    .as("nothing of the batch committed")
                    .isZero();
            assertThat(rows()).isZero();
            assertThat(table.isStaged(id)).isTrue();
            assertThat(table.get(id)).isPresent();

            db.write(tx -> tx.append(EventAppend.of(run, 0, SampleEvents.envelopes(run, 1, 1))));
        }
        assertThat(table.isStaged(id)).isFalse();
        reopen();
        assertThat(table.get(id)).isPresent();
    }

    @Test
    void aDamagedRowIsCorruptionAndTheNextStageOfItsBytesRepairsIt() {
        ArtifactId id = table.stage(bytes("the right bytes"));
        table.sync();
        db.write(tx -> tx.update("UPDATE blobs SET bytes = ? WHERE id = ?", bytes("the wrong bytes"), id.value()));

        assertThatThrownBy(() -> table.get(id)).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                .isEqualTo("artifact_corrupt"));

        table.stage(bytes("the right bytes"));
        table.sync();
        assertThat(table.get(id)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("the right bytes")));
    }

    @Test
    void aBlobTouchedOrWrittenAtOrAfterTheCutOffIsNeverDeleted() {
        ArtifactId old = table.stage(bytes("old"));
        ArtifactId touched = table.stage(bytes("touched"));
        ArtifactId rewritten = table.stage(bytes("rewritten"));
        table.sync(); // all three written at 1,000,000
        Instant cutoff = Instant.ofEpochMilli(2_000_000);

        now.set(2_000_000);
        assertThat(table.touch(touched)).isTrue();
        table.stage(bytes("rewritten"));
        table.sync();
        now.set(3_000_000);
        ArtifactId staged = table.stage(bytes("staged, not yet durable"));
        // before any other write carries it: staged, so neither deleted nor missing
        assertThat(table.deleteIfNotModifiedSince(staged, Instant.ofEpochMilli(4_000_000)))
                .isFalse();
        assertThat(table.touch(staged)).isTrue();

        assertThat(table.deleteIfNotModifiedSince(old, cutoff)).isTrue();
        assertThat(table.deleteIfNotModifiedSince(touched, cutoff)).isFalse();
        assertThat(table.deleteIfNotModifiedSince(rewritten, cutoff)).isFalse();
        assertThat(table.deleteIfNotModifiedSince(staged, cutoff))
                .as("carried by the deletion before, written at 3,000,000")
                .isFalse();

        assertThat(table.exists(old)).isFalse();
        assertThat(table.touch(old)).as("a touch of a deleted blob says so").isFalse();
        assertThat(table.exists(touched)).isTrue();
        assertThat(table.exists(rewritten)).isTrue();
        // one millisecond past the touch, it goes
        assertThat(table.deleteIfNotModifiedSince(touched, Instant.ofEpochMilli(2_000_001)))
                .isTrue();
    }

    @Test
    void everyStoredBlobIsListedPageByPageWithItsSizeAndTime() {
        Set<ArtifactId> stored = new HashSet<>();
        for (int i = 0; i < 2_345; i++) {
            stored.add(table.stage(bytes("blob " + i)));
        }
        table.sync();
        ArtifactId staged = table.stage(bytes("staged"));

        List<SqliteBlobTable.StoredBlob> listed = new ArrayList<>();
        table.forEachBlob(listed::add);

        assertThat(listed).hasSize(2_345);
        assertThat(listed.stream().map(SqliteBlobTable.StoredBlob::id)).containsExactlyInAnyOrderElementsOf(stored);
        assertThat(listed.stream().map(SqliteBlobTable.StoredBlob::id)).doesNotContain(staged);
        SqliteBlobTable.StoredBlob first = listed.getFirst();
        assertThat(first.sizeBytes()).isEqualTo(table.get(first.id()).orElseThrow().length);
        assertThat(first.lastModified()).isEqualTo(Instant.ofEpochMilli(1_000_000));
    }

    @Test
    void stagingPastTheBoundMakesTheBlobsDurableWithoutWaitingForAWrite() {
        byte[] big = new byte[1 << 20];
        List<ArtifactId> ids = new ArrayList<>();
        for (int i = 0; (long) i << 20 <= SqliteBlobTable.MAX_STAGED_BYTES; i++) {
            big[0] = (byte) i;
            big[1] = (byte) (i >> 8);
            ids.add(table.stage(big));
        }
        assertThat(table.stagedCount()).isZero();
        assertThat(rows()).isEqualTo(ids.size());
    }

    @Test
    void theTableIsMigrationThreeOfTheEventLogsModule() {
        // the module every Cairn checks at open: a Cairn that knows only V1-V2 refuses this database
        // as migrated by a newer one (SqliteEventStoreTest.aStoreMigratedByANewerCairnIsRefusedUntouched)
        int version = db.read(r -> r.queryOne(
                        "SELECT max(CAST(version AS INTEGER)) FROM " + SqliteDatabase.DIALECT.historyTable("events"),
                        row -> (int) row.getLong(1)))
                .orElseThrow();
        assertThat(version).isEqualTo(3);
    }
}
