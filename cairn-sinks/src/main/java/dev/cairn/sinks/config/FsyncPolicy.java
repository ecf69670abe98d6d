package dev.cairn.sinks.config;

/** When the JSON Lines sink forces its file to disk. */
public enum FsyncPolicy {
    /**
     * After each batch, before the batch is acknowledged (the default): a crash loses no
     * acknowledged line; lines written but not yet acknowledged may appear again after a restart.
     */
    BATCH,
    /**
     * Never; the operating system writes the file back when it likes. Faster, but lines that were
     * acknowledged (the cursor moved past them) can be lost in a power failure or kernel crash, which
     * breaks the at-least-once promise for this sink. A process crash alone loses nothing.
     */
    NEVER
}
