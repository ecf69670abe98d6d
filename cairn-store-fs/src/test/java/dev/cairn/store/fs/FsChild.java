package dev.cairn.store.fs;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * A second process for {@link FsProcessTest}: {@code put <root> <seed>} stores blob after blob
 * (plain, streamed, or deferred and synced) until it is killed, printing {@code ack <i> <id>} once
 * blob {@code i} is durable. {@code put <root> <seed> <journal bytes>} journals every blob, with a
 * journal that small, so that checkpoints follow one another.
 */
public final class FsChild {

    private FsChild() {}

    public static void main(String[] args) {
        Path root = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        PrintStream out = System.out;
        boolean journalOnly = args.length > 3;
        FsArtifactStore store = journalOnly
                ? FsArtifactStore.open(FsStoreOptions.builder(root)
                        .journalBytes(Long.parseLong(args[3]))
                        .build())
                : FsArtifactStore.open(root);
        out.println("ready " + ProcessHandle.current().pid());
        out.flush();
        for (int i = 0; ; i++) {
            byte[] bytes = blob(seed, i);
            ArtifactId id;
            switch (journalOnly ? 3 : i % 4) {
                case 0 -> id = store.put(new ArtifactKind.ContextSnapshot(), bytes);
                case 1 -> id = store.putStream(new ArtifactKind.Output(), new ByteArrayInputStream(bytes));
                case 2 -> {
                    id = store.putDeferred(new ArtifactKind.ContextSnapshot(), bytes);
                    store.sync();
                }
                default -> {
                    id = store.putJournaled(new ArtifactKind.FactPayload(), bytes);
                    store.sync();
                }
            }
            out.println("ack " + i + " " + id);
            out.flush();
        }
    }

    /** Blob {@code i} of a child with {@code seed}: up to 64 KiB of seeded bytes. */
    static byte[] blob(long seed, int i) {
        Random random = new Random(seed * 1_000_003 + i);
        byte[] bytes = new byte[random.nextInt(64 * 1024)];
        random.nextBytes(bytes);
        return bytes;
    }
}
