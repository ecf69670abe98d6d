package dev.cairn.sinks.webhook;

import dev.cairn.sinks.SinkException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@value #HEADER} header of webhook requests, and its verification on the receiving side.
 *
 * <p>Format: {@code Cairn-Signature: t=<unix seconds>,v1=<hex>}, where {@code <hex>} is the
 * lowercase hex HMAC-SHA256, keyed with the shared secret's bytes, of the ASCII timestamp, a
 * {@code .}, and the exact request body bytes: {@code HMAC(secret, "<t>." + body)}. The timestamp
 * binds the signature to the moment of sending, so a captured request cannot be replayed later than
 * the receiver's tolerance (5 minutes by default). A header may carry several {@code v1=} entries
 * (one per secret while a secret is being rotated); one match is enough. Unknown keys are ignored,
 * so later schemes ({@code v2=}) can be added beside {@code v1}.
 *
 * <p>A re-delivered event has the same body but a new timestamp, hence a new signature.
 *
 * <p>To verify on a receiver without Cairn's classes: split the header on {@code ,}, take {@code t}
 * and each {@code v1}, compute the HMAC above over the raw body (before any JSON parsing), compare in
 * constant time, and check that {@code t} is within your tolerance of your clock.
 */
public final class WebhookSignature {

    /** The header's name. */
    public static final String HEADER = "Cairn-Signature";

    /** The receiver's default tolerance between the timestamp and its clock. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {}

    /** The header value for {@code body} sent at {@code time}, signed with {@code secret}. */
    public static String sign(byte[] secret, Instant time, byte[] body) {
        long t = time.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, t, body));
    }

    /**
     * Checks a received header against the body and the receiver's clock.
     *
     * @throws SinkException code {@code signature_invalid} saying what is wrong: the header is
     *     malformed, the timestamp is outside {@code tolerance} of {@code now}, or no {@code v1}
     *     matches
     */
    public static void verify(byte[] secret, String header, byte[] body, Instant now, Duration tolerance) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(tolerance, "tolerance");
        if (header == null || header.isBlank()) {
            throw invalid("the request has no " + HEADER + " header");
        }
        Long t = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw invalid("malformed " + HEADER + " header: expected t=<seconds>,v1=<hex>");
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            switch (key) {
                case "t" -> {
                    try {
                        t = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw invalid("malformed timestamp in " + HEADER + ": " + value);
                    }
                }
                case "v1" -> {
                    try {
                        candidates.add(HexFormat.of().parseHex(value));
                    } catch (IllegalArgumentException e) {
                        throw invalid("malformed v1 signature in " + HEADER);
                    }
                }
                default -> {
                    // other schemes: not ours to check
                }
            }
        }
        if (t == null) {
            throw invalid(HEADER + " has no timestamp (t=)");
        }
        if (candidates.isEmpty()) {
            throw invalid(HEADER + " has no v1 signature");
        }
        long skew = Math.abs(now.getEpochSecond() - t);
        if (skew > tolerance.toSeconds()) {
            throw invalid("the signature's timestamp is " + skew + " s away from now (tolerance "
                    + tolerance.toSeconds() + " s): a late or replayed request, or clocks apart");
        }
        byte[] expected = hmac(secret, t, body);
        for (byte[] candidate : candidates) {
            if (MessageDigest.isEqual(expected, candidate)) {
                return;
            }
        }
        throw invalid("no v1 signature matches the body with this secret");
    }

    /** Whether {@link #verify} accepts the request. */
    public static boolean isValid(byte[] secret, String header, byte[] body, Instant now, Duration tolerance) {
        try {
            verify(secret, header, body, now, tolerance);
            return true;
        } catch (SinkException e) {
            return false;
        }
    }

    private static byte[] hmac(byte[] secret, long t, byte[] body) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update(Long.toString(t).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static SinkException invalid(String detail) {
        return SinkException.signatureInvalid(detail);
    }
}
