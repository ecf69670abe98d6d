package dev.cairn.sinks.export;

import dev.cairn.cell.api.ExportArtifactMetadata;
import dev.cairn.cell.api.ExportReceipt;
import dev.cairn.cell.api.ExportReceiptTargetKind;
import dev.cairn.cell.api.ExportSink;
import dev.cairn.json.ArtifactIds;
import dev.cairn.sinks.Backoff;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * Exports artifacts with HTTP {@code PUT <url><name>}.
 *
 * <p>The file is read twice. First through the {@link SecretScanner} and SHA-256: a known secret
 * refuses the export before any byte goes on the network ({@code export_contains_secret}, naming the
 * producing step). Then streamed as the request body with {@code Content-Length}, {@code
 * Content-Type} (the metadata's, else {@code application/octet-stream}), the digest as {@code
 * Repr-Digest: sha-256=:<base64>:} (RFC 9530) and {@code Digest: SHA-256=<base64>} (RFC 3230, for
 * older servers), and {@code Authorization: Bearer} when the target names a secret. The stream is
 * hashed again as it is sent: if the file changed since the scan, the request is aborted ({@code
 * export_source_changed}), so the receiver never gets bytes that were not scanned.
 *
 * <p>A 2xx answer is success. Connection failures, timeouts, 408, 429 and 5xx are retried with
 * exponential backoff and jitter up to {@code max_attempts}, then fail with {@code
 * export_unreachable}; any other status fails at once with {@code export_rejected}.
 */
public final class HttpPutExportSink implements ExportSink {

    private final ExportTargetConfig.HttpPut target;
    private final SecretLookup secrets;
    private final SecretScanner scanner;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final HttpClient client;

    public HttpPutExportSink(
            ExportTargetConfig.HttpPut target,
            SecretLookup secrets,
            SecretScanner scanner,
            InstantSource clock,
            RandomGenerator random) {
        this.target = Objects.requireNonNull(target, "target");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.backoff = new Backoff(target.backoff(), target.maxBackoff());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(target.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Optional<ExportReceiptTargetKind> targetKind() {
        return Optional.of(ExportReceiptTargetKind.HTTP);
    }

    @Override
    public Optional<String> destinationHint(String name) {
        return Optional.of(target.resolve(name).toString());
    }

    @Override
    public ExportReceipt push(String name, String path, ExportArtifactMetadata metadata) {
        ExportNames.check(name);
        Objects.requireNonNull(metadata, "metadata");
        Path source = ScannedCopy.source(name, path);
        ScannedCopy scanned = ScannedCopy.of(name, source, OutputStream.nullOutputStream(), scanner);
        if (scanned.secret().isPresent()) {
            SecretMatch match = scanned.secret().get();
            throw SinkException.exportContainsSecret(
                    name,
                    metadata.producedBy().map(step -> "step \"" + step + "\"").orElse("an unknown step"),
                    match.secretName(),
                    match.form());
        }
        URI url = target.resolve(name);
        Optional<String> bearer =
                target.bearer().map(secret -> new String(secrets.secret(secret), StandardCharsets.UTF_8));
        byte[] digest = HexFormat.of().parseHex(scanned.sha256());
        String base64 = Base64.getEncoder().encodeToString(digest);
        String last = "";
        Throwable lastCause = null;
        for (int attempt = 1; attempt <= target.maxAttempts(); attempt++) {
            if (attempt > 1 && !Backoff.sleep(backoff.delay(attempt - 1, random))) {
                throw SinkException.exportUnreachable(name, url.toString(), "interrupted", null);
            }
            AtomicBoolean changed = new AtomicBoolean();
            HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .timeout(target.timeout())
                    .header("Content-Type", metadata.contentType().orElse("application/octet-stream"))
                    .header("Repr-Digest", "sha-256=:" + base64 + ":")
                    .header("Digest", "SHA-256=" + base64)
                    .header("User-Agent", "cairn-sinks")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> verifying(source, scanned, changed)),
                            scanned.size()));
            bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
            HttpResponse<Void> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            } catch (HttpTimeoutException e) {
                last = "no answer within " + target.timeout().toMillis() + " ms";
                lastCause = e;
                continue;
            } catch (IOException e) {
                if (changed.get()) {
                    throw SinkException.exportSourceChanged(name, path);
                }
                last = "connection failed: " + e;
                lastCause = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SinkException.exportUnreachable(name, url.toString(), "interrupted", e);
            }
            if (changed.get()) {
                throw SinkException.exportSourceChanged(name, path);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new ExportReceipt(
                        ExportReceiptTargetKind.HTTP,
                        url.toString(),
                        Optional.of(scanned.size()),
                        Optional.of(scanned.sha256()),
                        Optional.of(clock.instant()));
            }
            if (status == 408 || status == 429 || status >= 500) {
                last = "HTTP " + status;
                lastCause = null;
                continue;
            }
            throw SinkException.exportRejected(name, url.toString(), "HTTP " + status);
        }
        throw SinkException.exportUnreachable(
                name, url.toString(), "gave up after " + target.maxAttempts() + " attempts; last: " + last, lastCause);
    }

    /**
     * The file, hashed as it is read. The chunk that completes the expected size is handed out only
     * after the digest of everything read matches the scan's, so a file that changed since the scan
     * never reaches the receiver whole: the request fails short of its {@code Content-Length}.
     */
    private static InputStream verifying(Path source, ScannedCopy scanned, AtomicBoolean changed) {
        InputStream in;
        try {
            in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MessageDigest digest = ArtifactIds.sha256();
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (count == scanned.size()) {
                    if (len > 0 && super.read(b, off, 1) >= 0) {
                        fail(); // longer than scanned
                    }
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, scanned.size() - count));
                if (n < 0) {
                    fail(); // shorter than scanned
                }
                digest.update(b, off, n);
                count += n;
                if (count == scanned.size()
                        && !HexFormat.of().formatHex(digest.digest()).equals(scanned.sha256())) {
                    fail(); // the last chunk is withheld
                }
                return n;
            }

            private void fail() throws IOException {
                changed.set(true);
                throw new IOException("the file changed since it was scanned");
            }
        };
    }

    @Override
    public String toString() {
        return "HttpPutExportSink[" + target.url() + "]";
    }
}
