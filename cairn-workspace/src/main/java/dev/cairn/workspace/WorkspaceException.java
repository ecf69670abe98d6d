package dev.cairn.workspace;

import dev.cairn.json.CodedException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Root exception of {@code cairn-workspace}: a tree that breaks the format, a workspace that cannot
 * be snapshotted or materialized, a cache key or cache entry that cannot be made or found.
 *
 * <p>Failures of the artifact store itself stay {@link dev.cairn.machine.errors.StorageException}s
 * and pass through unchanged. Messages name paths and ids, never environment or secret values.
 */
public class WorkspaceException extends CodedException {

    private static final long serialVersionUID = 1L;

    private WorkspaceException(String code, String message, boolean retryable, String hint, Throwable cause) {
        super(code, message, retryable, hint, cause);
    }

    /** A tree entry name that cannot name a file: empty, {@code .}, {@code ..}, or with {@code /} or NUL. */
    public static WorkspaceException invalidName(String name, String problem) {
        return new WorkspaceException(
                "invalid_entry_name",
                "tree entry name `" + printable(name) + "` " + problem,
                false,
                "An entry name is one path segment: non-empty, not `.` or `..`, without `/` or NUL.",
                null);
    }

    /** A tree entry that breaks its rule (negative size, empty link target, ...). */
    public static WorkspaceException invalidEntry(String name, String problem) {
        return new WorkspaceException(
                "invalid_tree_entry",
                "tree entry `" + printable(name) + "` " + problem,
                false,
                "See the WorkspaceTree schema (`cairn schema show WorkspaceTree`).",
                null);
    }

    /** A tree whose entries are not in strictly increasing name order (or that lists a name twice). */
    public static WorkspaceException unsortedEntries(String previous, String next) {
        boolean duplicate = previous.equals(next);
        return new WorkspaceException(
                duplicate ? "duplicate_tree_entry" : "unsorted_tree_entries",
                duplicate
                        ? "tree lists the name `" + printable(next) + "` twice"
                        : "tree entry `" + printable(next) + "` comes after `" + printable(previous)
                                + "`, out of order",
                false,
                "Entries are sorted by name in UTF-8 byte order (Unicode code point order), each name once.",
                null);
    }

    /** A tree object of a format version this code does not read. */
    public static WorkspaceException unsupportedTreeVersion(int version) {
        return new WorkspaceException(
                "unsupported_tree_version",
                "tree format version " + version + " is not supported (this Cairn reads version "
                        + WorkspaceTree.FORMAT_VERSION + ")",
                false,
                "Use the Cairn version that wrote the tree, or a newer one.",
                null);
    }

    /** A string that is not a tree id (64 lowercase hex digits). */
    public static WorkspaceException invalidTreeId(String value) {
        return new WorkspaceException(
                "invalid_tree_id",
                "`" + printable(String.valueOf(value)) + "` is not a tree id",
                false,
                "A tree id is the SHA-256 of the tree object's canonical JSON: 64 lowercase hex digits.",
                null);
    }

    /** A stored tree object that is not the canonical JSON of a valid tree. */
    public static WorkspaceException corruptTree(TreeId id, String problem, Throwable cause) {
        return new WorkspaceException(
                "corrupt_tree",
                "tree object " + id + " is not a valid workspace tree: " + problem,
                false,
                "The id does not name a tree (or the tree was written by another program); check where it came from.",
                cause);
    }

    /** A path that should be a directory is something else. */
    public static WorkspaceException notADirectory(Path path) {
        return new WorkspaceException(
                "not_a_directory",
                path + " is not a directory",
                false,
                "Give the path of a directory (symbolic links to directories are not followed inside a workspace).",
                null);
    }

    /** A full materialization was asked into a directory that already has entries. */
    public static WorkspaceException notEmpty(Path dir) {
        return new WorkspaceException(
                "workspace_not_empty",
                "cannot materialize into " + dir + ": it is not empty",
                false,
                "Materialize into an empty directory, or use Workspaces.update with the tree the directory holds.",
                null);
    }

    /** A file changed while it was being snapshotted. */
    public static WorkspaceException changedDuringSnapshot(String path) {
        return new WorkspaceException(
                "workspace_changed",
                "`" + printable(path) + "` changed while the workspace was being snapshotted",
                true,
                "Snapshot a workspace only once nothing writes to it (after the cell is torn down), then retry.",
                null);
    }

    /** A file name the JVM cannot represent (not valid in the file-name encoding). */
    public static WorkspaceException unrepresentableName(Path dir, String decoded) {
        return new WorkspaceException(
                "unrepresentable_name",
                "a file name in " + dir + " is not valid text in the file-name encoding (read as `" + printable(decoded)
                        + "`)",
                false,
                "Rename the file to valid UTF-8, and run Cairn with a UTF-8 locale (LANG=C.UTF-8).",
                null);
    }

    /** An incremental update found the directory not holding the tree the caller said it holds. */
    public static WorkspaceException drift(String path, String problem) {
        return new WorkspaceException(
                "workspace_drift",
                "the workspace does not hold the tree it was said to hold: `" + printable(path) + "` " + problem,
                false,
                "Snapshot the directory to learn what it holds, then update from that tree (or materialize"
                        + " into an empty directory).",
                null);
    }

    /** An I/O failure on the workspace directory (not on the artifact store). */
    public static WorkspaceException io(String what, Path path, IOException cause) {
        return new WorkspaceException(
                "workspace_io",
                what + " " + path + " failed: " + cause,
                true,
                "Check the path's permissions and free space, then retry.",
                cause);
    }

    /** The thread was interrupted; the operation stopped and left partial results. */
    public static WorkspaceException interrupted() {
        return new WorkspaceException(
                "interrupted", "the workspace operation was interrupted", true, "Retry when not cancelled.", null);
    }

    /** A snapshot reference that Cairn cannot resolve. */
    public static WorkspaceException invalidSnapshotRef(String ref, String problem) {
        return new WorkspaceException(
                "invalid_snapshot_ref",
                "snapshot reference `" + printable(ref) + "` " + problem,
                false,
                "Cairn's references are `tree:<64 hex>` (a workspace tree) or `cache:<64 hex>` (an action-cache entry).",
                null);
    }

    /** A cache tag whose entry does not exist (removed, or never committed). */
    public static WorkspaceException cacheEntryNotFound(String key) {
        return new WorkspaceException(
                "cache_entry_not_found",
                "the action cache has no entry " + key,
                true,
                "The entry was removed or collected; decide the step's cache again (it becomes a miss).",
                null);
    }

    /** A cache key input that breaks a rule (a declared secret also in the env, a bad version, ...). */
    public static WorkspaceException invalidCacheKeyInput(String problem) {
        return new WorkspaceException(
                "invalid_cache_key_input",
                "cannot compute the cache key: " + problem,
                false,
                "Pass non-secret variables in `env` and each declared secret once, by name and version.",
                null);
    }

    /** A host key that is too short to key secret digests. */
    public static WorkspaceException invalidHostKey(String problem) {
        return new WorkspaceException(
                "invalid_host_key",
                "invalid host key: " + problem,
                false,
                "Use at least " + dev.cairn.workspace.cache.HostKey.MIN_BYTES
                        + " random bytes (HostKey.loadOrCreate makes and keeps one).",
                null);
    }

    /** The database was opened without this module's migrations. */
    public static WorkspaceException schemaMissing(Path file) {
        return new WorkspaceException(
                "workspace_schema_missing",
                "the database " + file + " was opened without the `workspace` migrations",
                false,
                "Open it with SqliteOptions.builder(file).migrationModule(\"workspace\").",
                null);
    }

    /** A value that breaks its documented rule. */
    public static WorkspaceException invalidValue(String field, String problem) {
        return new WorkspaceException(
                "invalid_value", field + " " + problem, false, "See the Javadoc of the field.", null);
    }

    /** The text with control characters shown as {@code ?}, so that a message stays one line. */
    static String printable(String text) {
        return text == null ? "null" : text.replaceAll("\\p{Cntrl}", "?");
    }
}
