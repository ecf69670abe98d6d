package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.store.sqlite.LoggedEvent;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.TreeStore;
import dev.cairn.workspace.WorkspaceException;
import dev.cairn.workspace.cache.GcRoots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The artifacts the runs of a home reference, which a collection must keep: computed by reading
 * every event of every run in the SQLite event log, then following references through the JSON
 * artifacts those events name.
 *
 * <ul>
 *   <li><b>From the events</b> (typed): {@code RunStarted}'s manifest and initial snapshot, each
 *       {@code StateEntered}, {@code StateCompleted}, {@code StateFailed} and {@code RunCompleted}
 *       snapshot, every domain event's {@code payload_ref}, and every artifact id in a domain event's
 *       payload ({@code fact_recorded}'s payload, {@code artifact_written}'s artifact, ...).
 *   <li><b>Through the artifacts</b>: a referenced artifact that is a workspace tree becomes a tree
 *       root (the collector keeps everything below it); one that is JSON (a manifest, a pipeline
 *       spec, a context snapshot with the steps' records, a fact payload with a task's outcome) is
 *       read and every artifact id in its strings ({@code <hex>}, {@code tree:<hex>}, ...) that names
 *       a stored blob is followed in turn. That reaches the spec and its input files from the
 *       manifest, and the steps' outputs and committed workspace trees from the context snapshots and
 *       task results.
 * </ul>
 *
 * <p>The orchestrator's tables ({@code runs.manifest_id}, {@code tasks.spec} and {@code
 * tasks.outcome}), when the home has them, add what the log may not hold yet: a run accepted but not
 * started, and a task's outputs recorded before the fact that carries them was flushed to the log.
 *
 * <p>This errs on the side of keeping: a 64-hex string in a run's JSON that happens to name a stored
 * blob keeps that blob. It never misses what a run's log references, which is what resume, replay
 * and downloading a run's outputs read.
 */
final class RunRoots {

    /** JSON artifacts larger than this are kept but not read for further references. */
    static final long MAX_SCANNED_BYTES = 64L << 20;

    private static final int PAGE = 1_000;
    private static final Pattern HEX_ID = Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the runs keep.
     *
     * @param roots the trees and blobs to pass to the collector
     * @param runs runs read
     * @param events events read
     * @param tasks orchestrator tasks read (0 in a home without the orchestrator's tables)
     * @param scanned JSON artifacts read for references
     * @param unscanned JSON artifacts too large to read ({@link #MAX_SCANNED_BYTES}), kept whole
     * @param missing artifacts an event references that the store does not hold (the run cannot be
     *     resumed or replayed past them; reported, never an error of the collection)
     */
    record Result(
            GcRoots roots, long runs, long events, long tasks, long scanned, long unscanned, List<String> missing) {}

    private final SqliteDatabase db;
    private final ArtifactStore store;

    RunRoots(SqliteDatabase db, ArtifactStore store) {
        this.db = db;
        this.store = store;
    }

    Result compute() {
        Set<String> runs = new HashSet<>();
        Set<ArtifactId> direct = new HashSet<>();
        Set<ArtifactId> mentioned = new HashSet<>();
        long events = 0;
        long after = 0;
        while (true) {
            long from = after;
            List<LoggedEvent> page = db.read(r -> r.eventsAfter(from, PAGE));
            for (LoggedEvent logged : page) {
                EventEnvelope envelope = logged.envelope();
                runs.add(envelope.runId().toString());
                references(envelope.event(), direct, mentioned);
                events++;
                after = logged.position();
            }
            if (page.size() < PAGE) {
                break;
            }
        }

        // The orchestrator's tables, when the home has them, reference what the log may not hold yet:
        // the manifest of a run accepted but not started, and each task's spec (its inputs) and
        // outcome (the outputs a runner uploaded), stored before the fact that carries them is
        // durable in the log (a run stopped at that point resumes by reading the task's outcome).
        Set<ArtifactId> indexed = new HashSet<>();
        List<String> tables = db.read(r -> r.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'tasks')",
                row -> row.getString(1)));
        long tasks = 0;
        if (tables.contains("runs")) {
            for (String[] run : db.read(r -> r.query("SELECT run_id, manifest_id FROM runs", row ->
                    new String[] {row.getString(1), row.getString(2)}))) {
                runs.add(run[0]);
                if (run[1] != null) {
                    idsIn(run[1], indexed);
                }
            }
        }
        if (tables.contains("tasks")) {
            long ord = 0;
            while (true) {
                long from = ord;
                List<String[]> page = db.read(r -> r.query(
                        "SELECT ord, spec, outcome FROM tasks WHERE ord > ? ORDER BY ord LIMIT " + PAGE,
                        row -> new String[] {String.valueOf(row.getLong(1)), row.getString(2), row.getString(3)},
                        from));
                for (String[] task : page) {
                    ord = Long.parseLong(task[0]);
                    idsIn(task[1], indexed);
                    if (task[2] != null) {
                        idsIn(task[2], indexed);
                    }
                    tasks++;
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
        }
        indexed.addAll(mentioned);
        indexed.removeAll(direct);

        Set<TreeId> trees = new HashSet<>();
        Set<ArtifactId> blobs = new HashSet<>();
        Set<String> missing = new TreeSet<>();
        Set<ArtifactId> seen = new HashSet<>(direct);
        seen.addAll(indexed);
        Deque<ArtifactId> work = new ArrayDeque<>(direct);
        work.addAll(indexed);
        long scanned = 0;
        long unscanned = 0;
        while (!work.isEmpty()) {
            ArtifactId id = work.removeFirst();
            boolean directRef = direct.contains(id);
            if (!store.exists(id)) {
                if (directRef) {
                    missing.add(id.value());
                }
                continue;
            }
            blobs.add(id);
            byte[] bytes = read(id);
            if (bytes == null) {
                unscanned++;
                continue;
            }
            if (isTree(id, bytes)) {
                trees.add(TreeId.of(id));
                continue;
            }
            if (!looksLikeJson(bytes)) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(bytes);
            } catch (IOException e) {
                continue;
            }
            scanned++;
            Set<ArtifactId> found = new HashSet<>();
            ids(node, found);
            for (ArtifactId next : found) {
                if (seen.add(next)) {
                    work.addLast(next);
                }
            }
        }
        return new Result(
                new GcRoots(trees, blobs), runs.size(), events, tasks, scanned, unscanned, List.copyOf(missing));
    }

    /** The artifacts one event names directly ({@code out}), and the ids its domain payload mentions. */
    static void references(Event event, Set<ArtifactId> out, Set<ArtifactId> mentioned) {
        switch (event) {
            case Event.Kernel kernel -> {
                switch (kernel.event()) {
                    case KernelEvent.RunStarted started -> {
                        out.add(started.manifestId());
                        out.add(started.initialSnapshotId());
                    }
                    case KernelEvent.StateEntered entered -> out.add(entered.baseSnapshotId());
                    case KernelEvent.StateCompleted completed -> out.add(completed.contextSnapshotId());
                    case KernelEvent.StateFailed failed ->
                        failed.failureSnapshotId().ifPresent(out::add);
                    case KernelEvent.RunCompleted ended ->
                        ended.finalSnapshotId().ifPresent(out::add);
                }
            }
            case Event.Domain domain -> {
                DomainEvent d = domain.event();
                d.payloadRef().ifPresent(out::add);
                // A payload's 64-hex strings may name artifacts (outputs) or may not (a cache
                // key): kept when stored, never reported missing.
                ids(d.payload(), mentioned);
            }
        }
    }

    /** Every artifact id in the strings of {@code node}. */
    static void ids(JsonNode node, Set<ArtifactId> out) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            idsIn(node.textValue(), out);
        } else if (node.isContainerNode()) {
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    idsIn(field.getKey(), out);
                    ids(field.getValue(), out);
                }
            } else {
                for (JsonNode element : node) {
                    ids(element, out);
                }
            }
        }
    }

    private static void idsIn(String text, Set<ArtifactId> out) {
        Matcher m = HEX_ID.matcher(text);
        while (m.find()) {
            out.add(new ArtifactId(m.group()));
        }
    }

    private byte[] read(ArtifactId id) {
        long size;
        try {
            size = store.size(id);
        } catch (StorageException e) {
            return null;
        }
        if (size > MAX_SCANNED_BYTES) {
            return null;
        }
        return store.get(id);
    }

    private static boolean isTree(ArtifactId id, byte[] bytes) {
        String start = new String(bytes, 0, Math.min(bytes.length, 16), StandardCharsets.US_ASCII);
        if (!start.startsWith("{\"entries\":")) {
            return false;
        }
        try {
            TreeStore.parse(TreeId.of(id), bytes);
            return true;
        } catch (WorkspaceException e) {
            return false;
        }
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }
}
