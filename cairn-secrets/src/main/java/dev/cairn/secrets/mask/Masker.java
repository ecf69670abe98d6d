package dev.cairn.secrets.mask;

import dev.cairn.cell.api.SecretView;
import dev.cairn.secrets.SecretPolicy;
import dev.cairn.secrets.SecretsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Replaces every occurrence of every declared secret, in every {@link SecretForms form}, with a
 * marker ({@value #DEFAULT_MARKER}), in time linear in the size of the output whatever the number of
 * secrets (one pass of an Aho-Corasick automaton over the bytes).
 *
 * <p>Three ways in, with the same result for the same bytes however they are split:
 *
 * <ul>
 *   <li>{@link #mask(byte[])} for a whole buffer;
 *   <li>{@link #wrap(OutputStream)}, a stream that holds back the last {@link #holdback()} bytes
 *       until it knows they do not start a secret, so occurrences spanning writes are caught;
 *   <li>{@link #lines(Consumer)} for log lines: each line is masked on its own and handed over
 *       whole.
 * </ul>
 *
 * <p>Occurrences that overlap are replaced together by one marker. A form cut off by the end of
 * the input (or of a line) is masked when at least {@value #PARTIAL_MIN_BYTES} of its bytes are
 * there. {@link #find(byte[])} reports occurrences (secret name, form, offset) without changing
 * anything, e.g. to refuse to export a file.
 *
 * <p>Limits: masking guards against accidental disclosure, not against a step that means to leak a
 * secret it holds (it can print it reversed); forms not listed in {@link SecretForms} are not
 * masked; the lines of a multi-line secret shorter than {@value SecretPolicy#MIN_VALUE_BYTES} bytes
 * are masked only as part of the whole value. The masker holds the secrets' bytes (in its
 * automaton) for as long as it is reachable.
 *
 * <p>Immutable and thread-safe; the streams it makes are not.
 */
public final class Masker {

    /** The default replacement. */
    public static final String DEFAULT_MARKER = "***";

    /** The fewest bytes of a cut-off form at the end of the input that are masked. */
    public static final int PARTIAL_MIN_BYTES = 12;

    /** The longest marker. */
    public static final int MAX_MARKER_BYTES = 64;

    private static final Masker NONE = new Builder().build();

    /** An occurrence of a secret: whose, in which form (and line of the value, or -1), where. */
    public record Finding(String secret, SecretForm form, int line, long offset, int length) {
        public Finding {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(form, "form");
        }
    }

    private record Owner(String secret, SecretForm form, int line) {}

    /** A secret to mask; never printed. */
    private record Entry(String name, byte[] value) {
        @Override
        public String toString() {
            return "Entry[name=" + name + "]";
        }
    }

    private final ByteAutomaton automaton;
    private final List<Owner> owners;
    private final List<String> secrets;
    private final byte[] marker;
    private final long patternBytes;

    private Masker(
            ByteAutomaton automaton, List<Owner> owners, List<String> secrets, byte[] marker, long patternBytes) {
        this.automaton = automaton;
        this.owners = owners;
        this.secrets = secrets;
        this.marker = marker;
        this.patternBytes = patternBytes;
    }

    /** A masker for the given secrets. */
    public static Builder builder() {
        return new Builder();
    }

    /** A masker with no secrets: it changes nothing. */
    public static Masker none() {
        return NONE;
    }

    /** The input with every occurrence replaced by the marker. */
    public byte[] mask(byte[] input) {
        return mask(input, 0, input.length);
    }

    /** {@code input[off, off + len)} with every occurrence replaced by the marker. */
    public byte[] mask(byte[] input, int off, int len) {
        Objects.checkFromIndexSize(off, len, input.length);
        Buffer out = new Buffer(len + 16);
        MaskingSession session = new MaskingSession(this, out);
        try {
            session.write(input, off, len);
            session.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a Buffer does not fail
        }
        return out.toByteArray();
    }

    /** {@code text} (as UTF-8) with every occurrence replaced by the marker. */
    public String mask(String text) {
        if (secrets.isEmpty()) {
            return text;
        }
        return new String(mask(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /**
     * A stream that masks what is written to it and writes the result to {@code out}. It holds back
     * up to {@link #holdback()} bytes until the next write or {@link MaskingOutputStream#close()};
     * {@code flush} passes on only what is final.
     */
    public MaskingOutputStream wrap(OutputStream out) {
        return new MaskingOutputStream(this, out);
    }

    /** A line splitter that hands each masked line (without its {@code \n}) to {@code sink}. */
    public LineMasker lines(Consumer<String> sink) {
        return new LineMasker(this, sink);
    }

    /** Every occurrence in {@code input}: one finding per end position, the longest form ending there. */
    public List<Finding> find(byte[] input) {
        List<Finding> found = new ArrayList<>();
        int s = 0;
        for (int i = 0; i < input.length; i++) {
            s = automaton.next(s, input[i] & 0xff);
            int m = automaton.matchLength(s);
            if (m > 0) {
                found.add(finding(s, i + 1L - m, m));
            }
        }
        return List.copyOf(found);
    }

    /**
     * The first {@code limit} occurrences in a stream read to its end (or until {@code limit} are
     * found), in order of their end.
     */
    public List<Finding> find(InputStream in, int limit) throws IOException {
        List<Finding> found = new ArrayList<>();
        byte[] chunk = new byte[64 * 1024];
        int s = 0;
        long pos = 0;
        int n;
        while (found.size() < limit && (n = in.read(chunk)) > 0) {
            for (int i = 0; i < n; i++) {
                s = automaton.next(s, chunk[i] & 0xff);
                int m = automaton.matchLength(s);
                if (m > 0 && found.size() < limit) {
                    found.add(finding(s, pos + i + 1 - m, m));
                }
            }
            pos += n;
        }
        return List.copyOf(found);
    }

    /** Whether {@code input} holds any form of any secret. */
    public boolean containsSecret(byte[] input) {
        int s = 0;
        for (byte b : input) {
            s = automaton.next(s, b & 0xff);
            if (automaton.matchLength(s) > 0) {
                return true;
            }
        }
        return false;
    }

    private Finding finding(int state, long offset, int length) {
        Owner o = owners.get(automaton.matchPattern(state));
        return new Finding(o.secret(), o.form(), o.line(), offset, length);
    }

    /** The replacement. */
    public String marker() {
        return new String(marker, StandardCharsets.UTF_8);
    }

    /** The names of the secrets masked, in the order they were added. */
    public List<String> secretNames() {
        return secrets;
    }

    /** How many byte strings are masked: every form of every secret. */
    public int patternCount() {
        return owners.size();
    }

    /** The total length of the byte strings masked: the size of the automaton's input. */
    public long patternBytes() {
        return patternBytes;
    }

    /** How many bytes a stream may hold back: the longest pattern's length minus one. */
    public int holdback() {
        return Math.max(0, automaton.maxPatternLength() - 1);
    }

    ByteAutomaton automaton() {
        return automaton;
    }

    byte[] markerBytes() {
        return marker;
    }

    /** Names and counts: never a secret. */
    @Override
    public String toString() {
        return "Masker[secrets=" + secrets + ", patterns=" + owners.size() + ", marker=" + marker() + "]";
    }

    /** Collects the secrets to mask. */
    public static final class Builder {
        private final List<Entry> values = new ArrayList<>();
        private String marker = DEFAULT_MARKER;

        private Builder() {}

        /**
         * Masks {@code value} (its bytes are copied) under {@code name}; a second value for the same
         * name is masked too.
         *
         * @throws SecretsException {@code secret_too_short}, {@code secret_too_large}, {@code secret_not_text}
         */
        public Builder secret(String name, byte[] value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            SecretPolicy.requireValue(name, value);
            values.add(new Entry(name, value.clone()));
            return this;
        }

        /** Masks the value of {@code secret}, under its key. */
        public Builder secret(SecretView secret) {
            byte[] value = secret.reveal().getBytes(StandardCharsets.UTF_8);
            try {
                return secret(secret.key(), value);
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        }

        /**
         * The replacement: 1 to {@value #MAX_MARKER_BYTES} bytes of UTF-8 without line breaks.
         *
         * @throws SecretsException {@code invalid_marker}
         */
        public Builder marker(String marker) {
            Objects.requireNonNull(marker, "marker");
            int bytes = marker.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > MAX_MARKER_BYTES) {
                throw SecretsException.invalidMarker(
                        "the marker must be 1 to " + MAX_MARKER_BYTES + " bytes, got " + bytes);
            }
            if (marker.indexOf('\n') >= 0 || marker.indexOf('\r') >= 0) {
                throw SecretsException.invalidMarker("the marker must not contain line breaks");
            }
            this.marker = marker;
            return this;
        }

        public Masker build() {
            List<byte[]> patterns = new ArrayList<>();
            List<Owner> owners = new ArrayList<>();
            List<String> names = new ArrayList<>();
            long total = 0;
            for (Entry e : values) {
                if (!names.contains(e.name())) {
                    names.add(e.name());
                }
                for (SecretForms.Pattern p : SecretForms.of(e.value())) {
                    patterns.add(p.bytesUnsafe());
                    total += p.length();
                    owners.add(new Owner(e.name(), p.form(), p.line()));
                }
            }
            return new Masker(
                    ByteAutomaton.of(patterns),
                    List.copyOf(owners),
                    List.copyOf(names),
                    marker.getBytes(StandardCharsets.UTF_8),
                    total);
        }
    }

    /** A growable byte buffer that is a {@link MaskingSession.Sink}. */
    static final class Buffer implements MaskingSession.Sink {
        private byte[] bytes;
        private int size;

        Buffer(int capacity) {
            bytes = new byte[Math.max(16, capacity)];
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + len, bytes.length * 2));
            }
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        String toUtf8() {
            return new String(bytes, 0, size, StandardCharsets.UTF_8);
        }
    }
}
