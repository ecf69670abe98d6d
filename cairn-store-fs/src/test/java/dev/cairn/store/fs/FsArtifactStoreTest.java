package dev.cairn.store.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.errors.StorageError;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the filesystem store does beyond the port's contract: layout, temp files, repair, refusals. */
class FsArtifactStoreTest {

    @TempDir
    Path dir;

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final ArtifactKind OUTPUT = new ArtifactKind.Output();

    @Test
    void blobsLiveUnderShardedNamesNextToAMarker() throws IOException {
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            ArtifactId id = store.put(OUTPUT, HELLO);

            Path file = root.resolve("objects").resolve("2c").resolve(id.value());
            assertThat(store.pathOf(id)).isEqualTo(file);
            assertThat(Files.readAllBytes(file)).isEqualTo(HELLO);
            assertThat(files(root.resolve("tmp"))).isEmpty();
            try (Stream<Path> shards = Files.list(root.resolve("objects"))) {
                assertThat(shards.count()).isEqualTo(256);
            }
            Properties marker = new Properties();
            try (InputStream in = Files.newInputStream(root.resolve(FsArtifactStore.MARKER))) {
                marker.load(in);
            }
            assertThat(marker.getProperty("format")).isEqualTo("cairn-fs-artifacts");
            assertThat(marker.getProperty("layout")).isEqualTo("1");
        }
    }

    @Test
    void identicalBytesAreStoredOnce() throws IOException {
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            ArtifactId id = store.put(OUTPUT, HELLO);
            assertThat(store.put(new ArtifactKind.Manifest(), HELLO)).isEqualTo(id);
            assertThat(store.putStream(OUTPUT, new ByteArrayInputStream(HELLO))).isEqualTo(id);
            assertThat(store.putDeferred(OUTPUT, HELLO)).isEqualTo(id);
            store.sync();

            assertThat(files(root.resolve("objects"))).containsExactly(store.pathOf(id));
            assertThat(files(root.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void streamsAroundTheFirstChunkAreStoredWhole() throws IOException {
        Path root = dir.resolve("store");
        long seed = Long.getLong("cairn.seed", new java.util.Random().nextLong());
        System.out.println("seed=" + seed);
        java.util.Random random = new java.util.Random(seed);
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            for (int size : new int[] {0, 1, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3 << 16}) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                // a source that hands out a few bytes per read, as a socket does
                InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return super.read(b, off, Math.min(len, 1 + random.nextInt(5000)));
                    }
                };
                ArtifactId id = store.putStream(OUTPUT, trickle);

                assertThat(id.value()).as("size %d", size).isEqualTo(ArtifactIds.ofBytes(bytes));
                assertThat(Files.readAllBytes(store.pathOf(id))).isEqualTo(bytes);
                assertThat(store.putStream(OUTPUT, new ByteArrayInputStream(bytes)))
                        .isEqualTo(id);
            }
            assertThat(files(root.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void aDeferredBlobWaitsInTmpUntilSync() throws IOException {
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            ArtifactId id = store.putDeferred(new ArtifactKind.ContextSnapshot(), HELLO);

            assertThat(store.pathOf(id)).doesNotExist();
            assertThat(files(root.resolve("tmp"))).hasSize(1);
            assertThat(store.get(id)).isEqualTo(HELLO);
            assertThat(store.exists(id)).isTrue();

            store.sync();

            assertThat(store.pathOf(id)).exists();
            assertThat(files(root.resolve("tmp"))).isEmpty();
            assertThat(store.get(id)).isEqualTo(HELLO);
        }
    }

    @Test
    void aJournaledBlobIsMadeDurableBySyncAndBecomesAFileAtTheCheckpoint() throws IOException {
        Path root = dir.resolve("store");
        ArtifactId id;
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            id = store.putJournaled(new ArtifactKind.ContextSnapshot(), HELLO);
            assertThat(files(root.resolve("tmp"))).isEmpty(); // held in memory
            assertThat(store.get(id)).isEqualTo(HELLO);

            store.sync();

            assertThat(files(root.resolve("journal"))).hasSize(1);
            assertThat(store.pathOf(id)).doesNotExist();
            assertThat(store.exists(id)).isTrue();
            assertThat(store.size(id)).isEqualTo(HELLO.length);
            assertThat(store.touch(id)).isTrue();
            try (InputStream in = store.openStream(id)) {
                assertThat(in.readAllBytes()).isEqualTo(HELLO);
            }
            assertThat(store.put(OUTPUT, HELLO)).isEqualTo(id); // durable already: the journal holds it
        }
        assertThat(files(root.resolve("journal"))).isEmpty();
        assertThat(Files.readAllBytes(FsArtifactStore.open(root).pathOf(id))).isEqualTo(HELLO);
    }

    /**
     * Another store on the same directory (another process, or a second instance in this one) reads
     * the blobs of a checkpoint while it writes them out: each read finds the blob whole or not at
     * all, never a partial file (which it would report as corrupt), and afterwards finds them all.
     */
    @Test
    void aBlobReadByAnotherStoreDuringACheckpointIsWholeOrAbsent() throws Exception {
        Path root = dir.resolve("store");
        long seed = Long.getLong("cairn.seed", new java.util.Random().nextLong());
        System.out.println("seed=" + seed + " (aBlobReadByAnotherStoreDuringACheckpointIsWholeOrAbsent)");
        java.util.Random random = new java.util.Random(seed);
        List<byte[]> blobs = new ArrayList<>();
        List<ArtifactId> ids = new ArrayList<>();
        FsArtifactStore writer = FsArtifactStore.open(root);
        for (int i = 0; i < 1500; i++) {
            byte[] bytes = new byte[1 + random.nextInt(3 * 4096)]; // across page boundaries
            random.nextBytes(bytes);
            blobs.add(bytes);
            ids.add(writer.putJournaled(new ArtifactKind.FactPayload(), bytes));
        }
        writer.sync();
        try (FsArtifactStore reader = FsArtifactStore.open(alwaysLooking(root))) {
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger whole = new java.util.concurrent.atomic.AtomicInteger();
            Thread reading = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    for (int i = 0; i < ids.size() && !done.get(); i++) {
                        try {
                            if (java.util.Arrays.equals(reader.get(ids.get(i)), blobs.get(i))) {
                                whole.incrementAndGet();
                            } else {
                                wrong.add("blob " + i + ": other bytes");
                            }
                        } catch (StorageException e) {
                            if (!(e.error() instanceof StorageError.NotFound)) {
                                wrong.add("blob " + i + ": " + e.getMessage());
                            }
                        }
                    }
                }
            });
            writer.close(); // the checkpoint
            done.set(true);
            reading.join();

            assertThat(wrong).isEmpty();
            for (int i = 0; i < ids.size(); i++) {
                assertThat(reader.get(ids.get(i))).as("blob %d", i).isEqualTo(blobs.get(i));
            }
        }
    }

    @Test
    void aJournalPastItsLimitIsWrittenOutBySync() throws IOException {
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(
                FsStoreOptions.builder(root).journalBytes(64).build())) {
            ArtifactId small = store.journaling().putDeferred(OUTPUT, HELLO);
            store.sync();
            assertThat(store.pathOf(small)).doesNotExist(); // 41 bytes of journal

            ArtifactId more = store.putJournaled(OUTPUT, bytes("more than that"));
            store.sync();

            assertThat(store.pathOf(small)).exists();
            assertThat(Files.readAllBytes(store.pathOf(more))).isEqualTo(bytes("more than that"));
            assertThat(files(root.resolve("journal"))).isEmpty();
        }
    }

    @Test
    void openingWritesOutTheJournalOfAProcessThatIsGoneUpToItsTornTail() throws IOException {
        Path root = dir.resolve("store");
        ArtifactId hello = new ArtifactId(ArtifactIds.ofBytes(HELLO));
        byte[] torn = bytes("torn record");
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            Files.write(store.pathOf(hello), bytes("HELLO")); // same size, wrong bytes: not flushed before a crash
        }
        java.io.ByteArrayOutputStream journal = new java.io.ByteArrayOutputStream();
        journal.write(java.util.HexFormat.of().parseHex(hello.value()));
        journal.write(java.nio.ByteBuffer.allocate(4).putInt(HELLO.length).array());
        journal.write(HELLO);
        journal.write(java.util.HexFormat.of().parseHex(ArtifactIds.ofBytes(torn)));
        journal.write(java.nio.ByteBuffer.allocate(4).putInt(torn.length).array());
        journal.write(torn, 0, 4); // the process died while appending this record
        Files.createDirectories(root.resolve("journal"));
        Path dead = root.resolve("journal").resolve("999999999-1.7.journal");
        Files.write(dead, journal.toByteArray());

        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            assertThat(store.get(hello)).isEqualTo(HELLO);
            assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(torn)))).isFalse();
            assertThat(files(root.resolve("journal"))).isEmpty();
        }
    }

    @Test
    void closingSyncsTheDeferredBlobs() {
        Path root = dir.resolve("store");
        ArtifactId id;
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            id = store.putDeferred(new ArtifactKind.ContextSnapshot(), HELLO);
        }
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            assertThat(store.get(id)).isEqualTo(HELLO);
        }
    }

    @Test
    void enoughDeferredBlobsSyncThemselves() throws IOException {
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(
                FsStoreOptions.builder(root).maxDeferred(3).syncParallelism(2).build())) {
            List<ArtifactId> ids = List.of(
                    store.putDeferred(OUTPUT, bytes("a")),
                    store.putDeferred(OUTPUT, bytes("b")),
                    store.putDeferred(OUTPUT, bytes("c")));

            assertThat(ids).allSatisfy(id -> assertThat(store.pathOf(id)).exists());
            assertThat(files(root.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void openingDeletesTheTempFilesOfProcessesThatAreGone() throws IOException {
        Path root = dir.resolve("store");
        FsArtifactStore.open(root).close();
        ProcessHandle self = ProcessHandle.current();
        String live = self.pid() + "-"
                + self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L) + ".7.tmp";
        Path tmp = root.resolve("tmp");
        for (String name : List.of(
                "4194305-1.1.tmp", // above Linux's largest pid: gone
                self.pid() + "-1.2.tmp", // our pid, another start time: a reused pid
                "not-ours",
                live)) {
            Files.write(tmp.resolve(name), HELLO);
        }

        FsArtifactStore.open(root).close();

        assertThat(files(tmp)).containsExactly(tmp.resolve(live));
    }

    @Test
    void aPutOfTheRightBytesRepairsABlobOfTheWrongSize() throws IOException {
        // Past the presence window (here none), a put looks at the file again.
        try (FsArtifactStore store = FsArtifactStore.open(alwaysLooking(dir.resolve("store")))) {
            ArtifactId id = store.put(OUTPUT, HELLO);
            Files.write(store.pathOf(id), bytes("hell"));
            assertThat(catchThrowableOfType(StorageException.class, () -> store.get(id))
                            .error())
                    .isInstanceOf(StorageError.Corruption.class);

            assertThat(store.put(OUTPUT, HELLO)).isEqualTo(id);

            assertThat(store.get(id)).isEqualTo(HELLO);
        }
    }

    @Test
    void aDirectoryWithOtherContentIsRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("home"));
        Files.write(root.resolve("notes.txt"), HELLO);

        assertThatThrownBy(() -> FsArtifactStore.open(root)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("artifact_store_layout");
            assertThat(e.getMessage()).contains("notes.txt").contains(root.toString());
            assertThat(e.hint()).contains("empty directory");
        });
        assertThat(files(root)).containsExactly(root.resolve("notes.txt"));
    }

    @Test
    void aStoreOfANewerLayoutOrAnotherFormatIsRefused() throws IOException {
        Path root = dir.resolve("store");
        FsArtifactStore.open(root).close();
        Path marker = root.resolve(FsArtifactStore.MARKER);

        Files.writeString(marker, "format=cairn-fs-artifacts\nlayout=2\n");
        assertThatThrownBy(() -> FsArtifactStore.open(root)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.code()).isEqualTo("artifact_store_layout");
            assertThat(e.getMessage()).contains("newer Cairn").contains("layout 2");
        });

        Files.writeString(marker, "format=something-else\nlayout=1\n");
        assertThatThrownBy(() -> FsArtifactStore.open(root))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.getMessage()).contains("something-else"));

        Files.writeString(marker, "format=cairn-fs-artifacts\n");
        assertThatThrownBy(() -> FsArtifactStore.open(root))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.getMessage()).contains("no valid layout"));
    }

    @Test
    void aClosedStoreRefusesWork() {
        FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"));
        ArtifactId id = store.put(OUTPUT, HELLO);
        store.close();
        store.close();

        for (Runnable op : List.<Runnable>of(
                () -> store.put(OUTPUT, HELLO), () -> store.get(id), () -> store.exists(id), store::sync)) {
            assertThatThrownBy(op::run).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.code()).isEqualTo("store_closed");
                assertThat(e.retryable()).isFalse();
            });
        }
    }

    @Test
    void aBlobTooLargeForOneArrayMustBeStreamed() throws IOException {
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            ArtifactId id = new ArtifactId("ab".repeat(32));
            try (RandomAccessFile sparse = new RandomAccessFile(store.pathOf(id).toFile(), "rw")) {
                sparse.setLength((1L << 31) + 10); // sparse: takes no disk space
            }

            assertThatThrownBy(() -> store.get(id)).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.code()).isEqualTo("artifact_too_large");
                assertThat(e.hint()).contains("openStream");
            });
            try (InputStream in = store.openStream(id)) {
                assertThat(in.readNBytes(4)).containsExactly(0, 0, 0, 0);
            }
        }
    }

    @Test
    void failedAndInterruptedStreamedPutsLeaveNoTempFile() throws IOException {
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            InputStream broken = new InputStream() {
                private int served;

                @Override
                public int read() throws IOException {
                    if (served++ > 100_000) {
                        throw new IOException("source broke");
                    }
                    return 7;
                }
            };
            assertThatThrownBy(() -> store.putStream(OUTPUT, broken))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.code()).isEqualTo("artifact_stream_failed"));

            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> store.putStream(OUTPUT, new ByteArrayInputStream(HELLO)))
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code())
                                .isEqualTo("interrupted"));
            } finally {
                assertThat(Thread.interrupted()).isTrue();
            }
            assertThat(files(root.resolve("tmp"))).isEmpty();
            assertThat(files(root.resolve("objects"))).isEmpty();
        }
    }

    @Test
    void aCorruptStreamFailsAtItsEndWithTheCorruptionAsCause() throws IOException {
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            ArtifactId id = store.put(OUTPUT, HELLO);
            Files.write(store.pathOf(id), bytes("jello"));

            try (InputStream in = store.openStream(id)) {
                assertThat(in.readNBytes(5)).isEqualTo(bytes("jello")); // not yet verified
                IOException atEnd = catchThrowableOfType(IOException.class, in::read);
                assertThat(atEnd.getCause()).isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo("artifact_corrupt");
                    assertThat(e.info().details()).hasValueSatisfying(d -> assertThat(
                                    d.get("actual_hash").asText())
                            .isEqualTo(ArtifactIds.ofBytes(bytes("jello"))));
                });
            }
        }
    }

    @Test
    void forEachBlobListsTheDurableBlobsWithSizeAndTime() throws IOException {
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            ArtifactId a = store.put(OUTPUT, HELLO);
            ArtifactId b = store.put(OUTPUT, bytes("another blob"));
            ArtifactId deferred = store.putDeferred(OUTPUT, bytes("not yet durable"));
            Files.write(store.pathOf(a).resolveSibling("not-an-id"), HELLO);

            List<FsArtifactStore.StoredBlob> listed = new ArrayList<>();
            store.forEachBlob(listed::add);

            assertThat(listed).extracting(FsArtifactStore.StoredBlob::id).containsExactlyInAnyOrder(a, b);
            assertThat(listed)
                    .filteredOn(blob -> blob.id().equals(b))
                    .singleElement()
                    .satisfies(blob -> {
                        assertThat(blob.sizeBytes()).isEqualTo(12);
                        assertThat(blob.lastModified())
                                .isEqualTo(Files.getLastModifiedTime(store.pathOf(b))
                                        .toInstant());
                    });
            assertThat(store.exists(deferred)).isTrue();
        }
    }

    @Test
    void touchRenewsABlobsTimeAndSaysWhetherItIsStored() throws IOException {
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            ArtifactId id = store.put(OUTPUT, HELLO);
            FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
            Files.setLastModifiedTime(store.pathOf(id), old);

            assertThat(store.touch(id)).isTrue();
            assertThat(Files.getLastModifiedTime(store.pathOf(id))).isGreaterThan(old);
            assertThat(store.touch(new ArtifactId(ArtifactIds.ofBytes(bytes("never stored")))))
                    .isFalse();
            assertThat(store.touch(store.putDeferred(OUTPUT, bytes("pending")))).isTrue();
        }
    }

    @Test
    void aPutOfAStoredBlobRenewsItsTime() throws IOException {
        try (FsArtifactStore store = FsArtifactStore.open(alwaysLooking(dir.resolve("store")))) {
            ArtifactId id = store.put(OUTPUT, HELLO);
            FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
            Files.setLastModifiedTime(store.pathOf(id), old);

            store.put(OUTPUT, HELLO);

            assertThat(Files.getLastModifiedTime(store.pathOf(id))).isGreaterThan(old);
        }
    }

    @Test
    void withinThePresenceWindowAStoredBlobIsAnsweredFromMemory() throws IOException {
        // The file is changed behind the store's back: what the store answers shows whether it
        // looked. Within the window it does not (the blob's time is at most that old anyway).
        Path root = dir.resolve("store");
        try (FsArtifactStore store = FsArtifactStore.open(
                FsStoreOptions.builder(root).presenceWindow(Duration.ofHours(1)).build())) {
            ArtifactId id = store.put(OUTPUT, HELLO);
            FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
            Files.setLastModifiedTime(store.pathOf(id), old);

            assertThat(store.put(OUTPUT, HELLO)).isEqualTo(id);
            assertThat(store.putDeferred(OUTPUT, HELLO)).isEqualTo(id);
            assertThat(Files.getLastModifiedTime(store.pathOf(id))).isEqualTo(old);

            Files.delete(store.pathOf(id));
            assertThat(store.exists(id)).isTrue();
            // Reads always go to the file: nothing is served that is not there; and once the store
            // has seen the file missing (a read, a touch), the next put writes it again.
            assertThat(catchThrowableOfType(StorageException.class, () -> store.get(id))
                            .error())
                    .isInstanceOf(StorageError.NotFound.class);
            assertThat(store.exists(id)).isFalse();
            assertThat(store.put(OUTPUT, HELLO)).isEqualTo(id);
            assertThat(store.get(id)).isEqualTo(HELLO);

            Files.write(store.pathOf(id), bytes("hell"));
            assertThat(catchThrowableOfType(StorageException.class, () -> store.get(id))
                            .error())
                    .isInstanceOf(StorageError.Corruption.class);
            store.put(OUTPUT, HELLO);
            assertThat(store.get(id)).isEqualTo(HELLO);

            Files.delete(store.pathOf(id));
            assertThat(store.touch(id)).isFalse();
            store.putDeferred(OUTPUT, HELLO);
            store.sync();
            assertThat(store.get(id)).isEqualTo(HELLO);

            // A collector of this store forgets the blob as it deletes it.
            ArtifactId other = store.put(OUTPUT, bytes("other"));
            Files.setLastModifiedTime(store.pathOf(other), old);
            assertThat(store.deleteIfNotModifiedSince(other, Instant.parse("2021-01-01T00:00:00Z")))
                    .isTrue();
            assertThat(store.exists(other)).isFalse();
            store.put(OUTPUT, bytes("other"));
            assertThat(Files.exists(store.pathOf(other))).isTrue();
        }
    }

    private static FsStoreOptions alwaysLooking(Path root) {
        return FsStoreOptions.builder(root).presenceWindow(Duration.ZERO).build();
    }

    @Test
    void deleteIfNotModifiedSinceDeletesOnlyStaleBlobs() throws IOException {
        try (FsArtifactStore store = FsArtifactStore.open(dir.resolve("store"))) {
            ArtifactId stale = store.put(OUTPUT, HELLO);
            ArtifactId fresh = store.put(OUTPUT, bytes("fresh"));
            ArtifactId pending = store.putDeferred(OUTPUT, bytes("pending"));
            Instant cutoff = Instant.parse("2024-01-01T00:00:00Z");
            Files.setLastModifiedTime(store.pathOf(stale), FileTime.from(cutoff.minusSeconds(1)));
            Files.setLastModifiedTime(store.pathOf(fresh), FileTime.from(cutoff));

            assertThat(store.deleteIfNotModifiedSince(stale, cutoff)).isTrue();
            assertThat(store.deleteIfNotModifiedSince(fresh, cutoff)).isFalse();
            assertThat(store.deleteIfNotModifiedSince(pending, Instant.MAX)).isFalse();
            assertThat(store.deleteIfNotModifiedSince(stale, cutoff)).isFalse(); // already gone

            assertThat(store.exists(stale)).isFalse();
            assertThat(store.get(fresh)).isEqualTo(bytes("fresh"));
            assertThat(store.get(pending)).isEqualTo(bytes("pending"));
            assertThat(files(dir.resolve("store").resolve("tmp"))).hasSize(1); // the pending blob only
            assertThat(store.put(OUTPUT, HELLO)).isEqualTo(stale); // a later put stores it again
            assertThat(store.get(stale)).isEqualTo(HELLO);
        }
    }

    @Test
    void openingMovesBackTheBlobsADeadCollectorHadMovedAside() throws IOException {
        Path root = dir.resolve("store");
        ArtifactId id;
        ArtifactId present;
        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            id = store.put(OUTPUT, HELLO);
            present = store.put(OUTPUT, bytes("present"));
        }
        Path tmp = root.resolve("tmp");
        ProcessHandle self = ProcessHandle.current();
        String live = self.pid() + "-"
                + self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        Path movedByTheDead = tmp.resolve("4194305-1.3." + id.value() + ".gc");
        Files.move(root.resolve("objects").resolve(id.value().substring(0, 2)).resolve(id.value()), movedByTheDead);
        Path duplicateOfPresent = tmp.resolve("4194305-1.4." + present.value() + ".gc");
        Files.write(duplicateOfPresent, bytes("present"));
        Path movedByTheLiving = tmp.resolve(live + ".5." + ArtifactIds.ofBytes(bytes("x")) + ".gc");
        Files.write(movedByTheLiving, bytes("x"));
        Path malformed = tmp.resolve("4194305-1.6.nonsense.gc");
        Files.write(malformed, bytes("?"));

        try (FsArtifactStore store = FsArtifactStore.open(root)) {
            assertThat(store.get(id)).isEqualTo(HELLO);
            assertThat(store.get(present)).isEqualTo(bytes("present"));
            assertThat(files(tmp)).containsExactly(movedByTheLiving);
        }
    }

    @Test
    void tempFileNamesTellTheirOwner() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);

        assertThat(FsArtifactStore.ownerAlive(self.pid() + "-" + start + ".1.tmp"))
                .isTrue();
        assertThat(FsArtifactStore.ownerAlive(self.pid() + "-0.1.tmp")).isTrue(); // start unknown: trust the pid
        assertThat(FsArtifactStore.ownerAlive("4194305-" + start + ".1.tmp")).isFalse();
        assertThat(FsArtifactStore.ownerAlive(self.pid() + "-" + start + ".1.part"))
                .isFalse();
        assertThat(FsArtifactStore.ownerAlive("x-1.1.tmp")).isFalse();
        assertThat(FsArtifactStore.ownerAlive("12.1-3.tmp")).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The regular files under {@code dir}, at any depth. */
    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
