package dev.cairn.store.sqlite;

import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.OpId;
import dev.cairn.machine.ids.StateId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The four kernel events a run is made of ({@code RunStarted}, {@code StateEntered}, {@code
 * StateCompleted}, {@code RunCompleted}) in exactly the compact JSON {@link dev.cairn.json.wire.Wire}
 * writes, without going through Jackson: the encoder writes the same bytes as {@code Wire.write}, and
 * the decoder reads only that exact layout, answering {@code null} for anything else (other events,
 * other spacing or field order, escapes, values out of range), which {@link EventCodec} then hands
 * to the general paths. Ids are made with their validating constructors. {@code EventCodecTest}
 * holds both sides to {@code Wire}.
 *
 * <p>A {@link Reader} remembers the last ids it made, so that a page of a run's log, where the same
 * snapshot and state ids recur from one event to the next, builds each id once. A reader belongs
 * to one thread.
 */
final class KernelJson {

    private static final byte[] KERNEL = ascii("{\"Kernel\":{\"");
    private static final byte[] ENTERED = ascii("StateEntered\":{\"state_id\":\"");
    private static final byte[] ENTERED_ATTEMPT = ascii("\",\"attempt\":");
    private static final byte[] ENTERED_BASE = ascii(",\"base_snapshot_id\":\"");
    private static final byte[] COMPLETED = ascii("StateCompleted\":{\"state_id\":\"");
    private static final byte[] COMPLETED_SNAPSHOT = ascii("\",\"context_snapshot_id\":\"");
    private static final byte[] STARTED = ascii("RunStarted\":{\"op_id\":\"");
    private static final byte[] STARTED_MANIFEST = ascii("\",\"manifest_id\":\"");
    private static final byte[] STARTED_INITIAL = ascii("\",\"initial_snapshot_id\":\"");
    private static final byte[] RUN_COMPLETED = ascii("RunCompleted\":{\"status\":\"");
    private static final byte[] RUN_COMPLETED_FINAL = ascii("\",\"final_snapshot_id\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] END_QUOTED = ascii("\"}}}");
    private static final byte[] END = ascii("}}}");

    private KernelJson() {}

    /** The wire JSON of {@code event}, or {@code null} for an event this class does not write. */
    static String write(Event event) {
        if (!(event instanceof Event.Kernel(KernelEvent kernel))) {
            return null;
        }
        return switch (kernel) {
            case KernelEvent.StateEntered e ->
                "{\"Kernel\":{\"StateEntered\":{\"state_id\":\"" + e.stateId().value() + "\",\"attempt\":" + e.attempt()
                        + ",\"base_snapshot_id\":\"" + e.baseSnapshotId().value() + "\"}}}";
            case KernelEvent.StateCompleted e ->
                "{\"Kernel\":{\"StateCompleted\":{\"state_id\":\"" + e.stateId().value()
                        + "\",\"context_snapshot_id\":\""
                        + e.contextSnapshotId().value() + "\"}}}";
            case KernelEvent.RunStarted e ->
                "{\"Kernel\":{\"RunStarted\":{\"op_id\":\"" + e.opId().value() + "\",\"manifest_id\":\""
                        + e.manifestId().value() + "\",\"initial_snapshot_id\":\""
                        + e.initialSnapshotId().value()
                        + "\"}}}";
            case KernelEvent.RunCompleted e ->
                "{\"Kernel\":{\"RunCompleted\":{\"status\":\"" + status(e.status()) + "\",\"final_snapshot_id\":"
                        + e.finalSnapshotId()
                                .map(id -> "\"" + id.value() + "\"")
                                .orElse("null") + "}}}";
            case KernelEvent.StateFailed e -> null;
        };
    }

    private static String status(RunStatus status) {
        return switch (status) {
            case COMPLETED -> "Completed";
            case FAILED -> "Failed";
            case CANCELLED -> "Cancelled";
        };
    }

    /** Decodes the exact layout {@link #write} produces; remembers recent ids. */
    static final class Reader {
        private byte[] json;
        private int at;

        private final byte[][] artifactBytes = new byte[2][];
        private final ArtifactId[] artifacts = new ArtifactId[2];
        private int nextArtifactSlot;
        private byte[] stateBytes;
        private StateId state;

        /** The event {@code json} holds, or {@code null} when it is not exactly in the layout written. */
        Event read(byte[] json) {
            this.json = json;
            this.at = 0;
            try {
                KernelEvent event = kernel();
                return event == null ? null : new Event.Kernel(event);
            } catch (RuntimeException e) {
                return null; // an id its constructor refused, say: the general path decides
            } finally {
                this.json = null;
            }
        }

        private KernelEvent kernel() {
            if (!expect(KERNEL)) {
                return null;
            }
            if (expect(ENTERED)) {
                StateId id = stateId();
                if (id == null || !expect(ENTERED_ATTEMPT)) {
                    return null;
                }
                int attempt = attempt();
                if (attempt < 0 || !expect(ENTERED_BASE)) {
                    return null;
                }
                ArtifactId base = artifactId();
                return base != null && end(END_QUOTED) ? new KernelEvent.StateEntered(id, attempt, base) : null;
            }
            if (expect(COMPLETED)) {
                StateId id = stateId();
                if (id == null || !expect(COMPLETED_SNAPSHOT)) {
                    return null;
                }
                ArtifactId snapshot = artifactId();
                return snapshot != null && end(END_QUOTED) ? new KernelEvent.StateCompleted(id, snapshot) : null;
            }
            if (expect(STARTED)) {
                String op = token(IdChars.STATE_ID);
                if (op == null || !expect(STARTED_MANIFEST)) {
                    return null;
                }
                ArtifactId manifest = artifactId();
                if (manifest == null || !expect(STARTED_INITIAL)) {
                    return null;
                }
                ArtifactId initial = artifactId();
                return initial != null && end(END_QUOTED)
                        ? new KernelEvent.RunStarted(new OpId(op), manifest, initial)
                        : null;
            }
            if (expect(RUN_COMPLETED)) {
                RunStatus status = runStatus();
                if (status == null || !expect(RUN_COMPLETED_FINAL)) {
                    return null;
                }
                if (expect(NULL)) {
                    return end(END) ? new KernelEvent.RunCompleted(status, Optional.empty()) : null;
                }
                if (at >= json.length || json[at++] != '"') {
                    return null;
                }
                ArtifactId snapshot = artifactId();
                return snapshot != null && end(END_QUOTED)
                        ? new KernelEvent.RunCompleted(status, Optional.of(snapshot))
                        : null;
            }
            return null;
        }

        private boolean expect(byte[] literal) {
            if (!Arrays.equals(json, at, Math.min(json.length, at + literal.length), literal, 0, literal.length)) {
                return false;
            }
            at += literal.length;
            return true;
        }

        private boolean end(byte[] literal) {
            return expect(literal) && at == json.length;
        }

        /** The bytes up to the next quote, all of {@code allowed}; leaves {@code at} on the quote. */
        private int tokenEnd(IdChars allowed) {
            int end = at;
            while (end < json.length && json[end] != '"') {
                if (!allowed.test(json[end])) {
                    return -1;
                }
                end++;
            }
            return end < json.length && end > at ? end : -1;
        }

        private String token(IdChars allowed) {
            int end = tokenEnd(allowed);
            if (end < 0) {
                return null;
            }
            String s = new String(json, at, end - at, StandardCharsets.ISO_8859_1);
            at = end;
            return s;
        }

        private StateId stateId() {
            int end = tokenEnd(IdChars.STATE_ID);
            if (end < 0) {
                return null;
            }
            if (state == null || !Arrays.equals(json, at, end, stateBytes, 0, stateBytes.length)) {
                stateBytes = Arrays.copyOfRange(json, at, end);
                state = new StateId(new String(stateBytes, StandardCharsets.ISO_8859_1));
            }
            at = end;
            return state;
        }

        /** A hex id, read up to its closing quote (the caller expects what follows). */
        private ArtifactId artifactId() {
            int end = tokenEnd(IdChars.HEX);
            if (end < 0) {
                return null;
            }
            for (int slot = 0; slot < artifacts.length; slot++) {
                byte[] known = artifactBytes[slot];
                if (known != null && Arrays.equals(json, at, end, known, 0, known.length)) {
                    at = end;
                    return artifacts[slot];
                }
            }
            byte[] bytes = Arrays.copyOfRange(json, at, end);
            ArtifactId id = new ArtifactId(new String(bytes, StandardCharsets.ISO_8859_1));
            artifactBytes[nextArtifactSlot] = bytes;
            artifacts[nextArtifactSlot] = id;
            nextArtifactSlot = (nextArtifactSlot + 1) % artifacts.length;
            at = end;
            return id;
        }

        /** A non-negative int without sign, leading zeros or exponent; -1 otherwise. */
        private int attempt() {
            int start = at;
            long value = 0;
            while (at < json.length && json[at] >= '0' && json[at] <= '9') {
                value = value * 10 + (json[at] - '0');
                if (value > Integer.MAX_VALUE) {
                    return -1;
                }
                at++;
            }
            int digits = at - start;
            if (digits == 0 || (digits > 1 && json[start] == '0')) {
                return -1;
            }
            return (int) value;
        }

        private RunStatus runStatus() {
            String status = token(IdChars.LETTERS);
            if (status == null) {
                return null;
            }
            return switch (status) {
                case "Completed" -> RunStatus.COMPLETED;
                case "Failed" -> RunStatus.FAILED;
                case "Cancelled" -> RunStatus.CANCELLED;
                default -> null;
            };
        }
    }

    /** The bytes an id may hold here: no quote, escape, control or non-ASCII byte can pass. */
    private enum IdChars {
        STATE_ID,
        HEX,
        LETTERS;

        boolean test(byte b) {
            return switch (this) {
                case STATE_ID -> (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '.';
                case HEX -> (b >= 'a' && b <= 'f') || (b >= '0' && b <= '9');
                case LETTERS -> (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
            };
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
