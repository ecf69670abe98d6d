package dev.cairn.sinks.export;

import dev.cairn.sinks.SinkException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an export target sends artifacts: the two targets of a pipeline's {@code export:} section
 * ({@code dir} and {@code url}), with the settings the spec leaves to the server.
 */
public sealed interface ExportTargetConfig {

    /**
     * A directory. An artifact becomes {@code <dir>/<name>}, written atomically (temp file, fsync,
     * link or rename, fsync of the directory). An existing file with the same bytes counts as done;
     * one with other bytes is kept and the export refused ({@code export_conflict}) unless {@code
     * overwrite}.
     *
     * @param dir the directory (absolute; the caller resolves a spec's relative path)
     * @param overwrite whether an existing file with other bytes is replaced
     */
    record Directory(Path dir, boolean overwrite) implements ExportTargetConfig {
        public Directory {
            Objects.requireNonNull(dir, "dir");
            if (!dir.isAbsolute()) {
                throw SinkException.invalidExportTarget("the directory must be absolute, got " + dir);
            }
        }
    }

    /**
     * An HTTP(S) endpoint: an artifact is sent with {@code PUT <url><name>}.
     *
     * @param url the base URL (a {@code /} is added when it does not end with one)
     * @param bearer the name of a secret sent as {@code Authorization: Bearer <value>}
     * @param connectTimeout how long to wait for a connection
     * @param timeout how long one request may take, body included
     * @param maxAttempts attempts before the push fails (5xx, 408, 429, timeouts, connection errors
     *     are retried)
     * @param backoff the first delay between attempts (doubling, with jitter)
     * @param maxBackoff the longest delay
     */
    record HttpPut(
            URI url,
            Optional<String> bearer,
            Duration connectTimeout,
            Duration timeout,
            int maxAttempts,
            Duration backoff,
            Duration maxBackoff)
            implements ExportTargetConfig {

        public HttpPut {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(bearer, "bearer");
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw SinkException.invalidExportTarget("the URL must be http(s)://host/…, got " + url);
            }
            if (url.getRawUserInfo() != null || url.getRawFragment() != null || url.getRawQuery() != null) {
                throw SinkException.invalidExportTarget(
                        "the URL must have no user, password, query or fragment; use bearer: SECRET_NAME");
            }
            Objects.requireNonNull(connectTimeout, "connect_timeout");
            Objects.requireNonNull(timeout, "timeout");
            if (maxAttempts < 1) {
                throw SinkException.invalidExportTarget("max_attempts must be at least 1");
            }
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(maxBackoff, "max_backoff");
        }

        /** {@code url} with the defaults: 5 s to connect, 5 min per request, 5 attempts, 500 ms to 30 s. */
        public static HttpPut to(URI url, Optional<String> bearer) {
            return new HttpPut(
                    url,
                    bearer,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5),
                    5,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30));
        }

        /** This target with other timeouts and retries. */
        public HttpPut with(Duration connect, Duration request, int attempts, Duration first, Duration longest) {
            return new HttpPut(url, bearer, connect, request, attempts, first, longest);
        }

        /** The URL of the artifact {@code name}. */
        public URI resolve(String name) {
            String base = url.toString();
            return URI.create(base.endsWith("/") ? base + name : base + "/" + name);
        }
    }
}
