package dev.cairn.orchestrator.spec;

import java.util.Objects;
import java.util.Optional;

/** Where exported artifacts go (seed 004's export sinks). Strings may hold param references. */
public sealed interface ExportTarget {

    /**
     * A directory on the machine that runs the export; relative paths are relative to the spec
     * file's directory. In a spec: {@code {dir: out/releases}}.
     *
     * @param dir the directory
     */
    record Directory(String dir) implements ExportTarget {
        public Directory {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /**
     * An HTTP(S) endpoint: each artifact is sent with {@code PUT} to the URL joined with its name.
     * In a spec: {@code {url: "https://uploads.example.com/builds/", bearer: UPLOAD_TOKEN}}.
     *
     * @param url the base URL ({@code http} or {@code https}, no user info, no fragment)
     * @param bearer the name of a secret sent as {@code Authorization: Bearer <value>}; the export
     *     sink resolves it, it never appears in the spec
     */
    record HttpPut(String url, Optional<String> bearer) implements ExportTarget {
        public HttpPut {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(bearer, "bearer");
        }
    }
}
