package dev.cairn.sinks.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.sinks.SinkException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Cairn-Signature header: its exact value, and what the verifier accepts and refuses. */
class WebhookSignatureTest {

    private static final byte[] SECRET = "whsec-test-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"id\":\"r:1\",\"specversion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant SENT = Instant.parse("2026-11-23T06:00:00Z");

    @Test
    void theHeaderIsTheHmacOfTimestampDotBodyInLowercaseHex() {
        // computed independently: printf '%s' '1795413600.{"id":"r:1","specversion":"1.0"}' |
        //   openssl dgst -sha256 -hmac 'whsec-test-0123456789'
        assertThat(WebhookSignature.sign(SECRET, SENT, BODY))
                .isEqualTo("t=1795413600,v1=8ef8eef118714dc94fda73a2547e384ef549bb5d46c2d7426623f675e8ae7470");
    }

    @Test
    void aFreshSignatureOverTheSameBodyVerifies() {
        String header = WebhookSignature.sign(SECRET, SENT, BODY);
        WebhookSignature.verify(SECRET, header, BODY, SENT.plusSeconds(30), WebhookSignature.DEFAULT_TOLERANCE);
        assertThat(WebhookSignature.isValid(SECRET, header, BODY, SENT.minusSeconds(30), Duration.ofMinutes(1)))
                .isTrue();
        String rotating = header + ",v1=" + "00".repeat(32) + ",v2=future";
        assertThat(WebhookSignature.isValid(SECRET, rotating, BODY, SENT, Duration.ofMinutes(1)))
                .isTrue();
    }

    @Test
    void tamperingTheWrongSecretStaleTimestampsAndMalformedHeadersAreRefused() {
        String header = WebhookSignature.sign(SECRET, SENT, BODY);
        byte[] tampered = "{\"id\":\"r:2\",\"specversion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
        refused(SECRET, header, tampered, SENT, "no v1 signature matches");
        refused("another-secret".getBytes(StandardCharsets.UTF_8), header, BODY, SENT, "no v1 signature matches");
        refused(SECRET, header, BODY, SENT.plus(Duration.ofMinutes(6)), "away from now");
        refused(SECRET, header.replace("t=1795413600", "t=1795413601"), BODY, SENT, "no v1 signature matches");
        refused(SECRET, null, BODY, SENT, "no Cairn-Signature header");
        refused(SECRET, "v1=abc", BODY, SENT, "malformed v1");
        refused(SECRET, "t=1795413600", BODY, SENT, "no v1 signature");
        refused(SECRET, "t=soon,v1=" + "ab".repeat(32), BODY, SENT, "malformed timestamp");
        refused(SECRET, "garbage", BODY, SENT, "malformed");
        assertThatThrownBy(() -> WebhookSignature.sign(new byte[0], SENT, BODY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void refused(byte[] secret, String header, byte[] body, Instant now, String reason) {
        assertThatThrownBy(() -> WebhookSignature.verify(secret, header, body, now, Duration.ofMinutes(5)))
                .as(String.valueOf(header))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("signature_invalid");
                    assertThat(e.getMessage()).contains(reason);
                });
    }
}
