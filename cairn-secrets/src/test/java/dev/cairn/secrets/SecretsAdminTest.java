package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service behind {@code cairn secrets set|ls|rm}. */
class SecretsAdminTest {

    @TempDir
    Path tmp;

    TestClock clock;
    SecretsAdmin admin;

    @BeforeEach
    void setUp() {
        clock = new TestClock();
        admin = new SecretsAdmin(LocalSecretStore.open(tmp.resolve("secrets"), clock));
    }

    private static InputStream stdin(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void setReadsTheValueFromStandardInputWithoutItsLastLineBreak() {
        assertThat(admin.set("NPM_TOKEN", stdin("npm_abcdefghijkl\n")))
                .isEqualTo(new SecretInfo("NPM_TOKEN", 1, clock.instant()));
        assertThat(new String(admin.store().read("NPM_TOKEN"), StandardCharsets.UTF_8))
                .isEqualTo("npm_abcdefghijkl");
        admin.set("NPM_TOKEN", stdin("npm_abcdefghijkl\r\n"));
        assertThat(new String(admin.store().read("NPM_TOKEN"), StandardCharsets.UTF_8))
                .isEqualTo("npm_abcdefghijkl");
        admin.set("MULTI", stdin("line one\nline two\n\n"));
        assertThat(new String(admin.store().read("MULTI"), StandardCharsets.UTF_8))
                .isEqualTo("line one\nline two\n");
        assertThat(admin.list())
                .extracting(SecretInfo::name, SecretInfo::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("MULTI", 1L),
                        org.assertj.core.groups.Tuple.tuple("NPM_TOKEN", 2L));
        assertThat(admin.remove("MULTI").name()).isEqualTo("MULTI");
        assertThat(admin.list()).extracting(SecretInfo::name).containsExactly("NPM_TOKEN");
    }

    @Test
    void emptyShortAndHugeInputsAreRefusedWithTheReason() {
        SecretsException empty = Errors.failure(() -> admin.set("NPM_TOKEN", stdin("\n")), "secret_value_missing");
        assertThat(empty.hint()).contains("cairn secrets set NPM_TOKEN", "never taken from the command line");
        SecretsException tooShort = Errors.failure(() -> admin.set("PIN", stdin("1234\n")), "secret_too_short");
        assertThat(tooShort.getMessage()).contains("4 bytes", "at least 8", "mangle ordinary output");
        Errors.failure(
                () -> admin.set("HUGE", stdin("x".repeat(SecretPolicy.MAX_VALUE_BYTES + 1))), "secret_too_large");
        Errors.failure(() -> admin.remove("NOPE"), "secret_not_found");
        assertThat(admin.list()).isEmpty();
    }

    @Test
    void aFailingStandardInputIsAnIoError() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("stdin closed");
            }
        };
        SecretsException e = Errors.failure(() -> admin.set("NPM_TOKEN", broken), "secret_io");
        assertThat(e.retryable()).isTrue();
    }
}
