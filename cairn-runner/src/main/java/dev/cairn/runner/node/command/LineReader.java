package dev.cairn.runner.node.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a process's output into lines (at {@code \n}, dropping a {@code \r} before it), decoded as
 * UTF-8 with malformed bytes replaced. A line longer than {@value #MAX_LINE_BYTES} bytes is cut
 * there, marked {@code …[truncated]}, and the rest of it skipped, so a command without newlines
 * cannot exhaust memory.
 */
final class LineReader {

    static final int MAX_LINE_BYTES = 16 * 1024;

    private LineReader() {}

    /** Reads {@code in} to its end, passing each line to {@code sink}. */
    static void pump(InputStream in, Consumer<String> sink) throws IOException {
        byte[] buffer = new byte[8192];
        byte[] line = new byte[MAX_LINE_BYTES];
        int length = 0;
        boolean skipping = false;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    if (!skipping) {
                        sink.accept(decode(line, length));
                    }
                    length = 0;
                    skipping = false;
                } else if (!skipping) {
                    if (length == MAX_LINE_BYTES) {
                        sink.accept(decode(line, length) + "…[truncated]");
                        skipping = true;
                        length = 0;
                    } else {
                        line[length++] = b;
                    }
                }
            }
        }
        if (length > 0 && !skipping) {
            sink.accept(decode(line, length));
        }
    }

    private static String decode(byte[] bytes, int length) {
        int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, end));
            return chars.toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, 0, end, StandardCharsets.UTF_8);
        }
    }
}
