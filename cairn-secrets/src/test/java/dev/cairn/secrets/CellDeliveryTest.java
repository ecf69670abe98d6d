package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cells.CellResult;
import dev.cairn.cells.CellRun;
import dev.cairn.cells.CellRuntime;
import dev.cairn.cells.CellSpec;
import dev.cairn.secrets.mask.Masker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade around a real cell (the cells runtime of this machine, sandboxed where bubblewrap
 * works): secrets arrive as a variable and as a file, the command prints them in several forms, and
 * the masked output holds none of them.
 */
class CellDeliveryTest {

    private static final String TOKEN = "dpl_9f8e7d6c5b4a3f2e1d0c";
    private static final String KEY =
            "-----BEGIN KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8\n-----END KEY-----\n";

    @TempDir
    Path tmp;

    @Test
    void aCellGetsItsSecretsAndEverythingItPrintsIsMasked() throws Exception {
        LocalSecretStore store = LocalSecretStore.open(tmp.resolve("store"));
        store.set("DEPLOY_TOKEN", TOKEN.getBytes(StandardCharsets.UTF_8));
        store.set("DEPLOY_KEY", KEY.getBytes(StandardCharsets.UTF_8));
        LocalSecretBroker broker = store.broker();
        // The sandbox runs as an unprivileged uid: it must be able to enter the workspace.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path workspace = Files.createDirectories(tmp.resolve("work"));
        Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx"));
        String script = String.join(
                "\n",
                "echo \"token: $NODE_AUTH_TOKEN\"",
                "printf 'user:%s' \"$NODE_AUTH_TOKEN\" | base64",
                "printf '%s' \"$NODE_AUTH_TOKEN\" | od -An -tx1 | tr -d ' \\n'; echo",
                "cat \"$CAIRN_FILES_DIR/deploy_key\"",
                "printf '{\"k\":\"%s\"}\\n' \"$(awk 'BEGIN{ORS=\"\\\\n\"} {print}' \"$CAIRN_FILES_DIR/deploy_key\")\"");

        byte[] raw;
        byte[] masked;
        try (CellRuntime runtime = CellRuntime.create();
                CellSecrets secrets = CellSecrets.resolve(
                        broker,
                        "secrets-it",
                        List.of(
                                SecretRequest.env("DEPLOY_TOKEN", "NODE_AUTH_TOKEN"),
                                SecretRequest.file("DEPLOY_KEY", "deploy_key")),
                        Duration.ofMinutes(5))) {
            CellSpec.Builder spec = CellSpec.builder("secrets-it", workspace)
                    .argv("/bin/sh", "-c", script)
                    .env(secrets.environment());
            secrets.files().forEach(f -> spec.file(f.name(), f.content()));
            CellRun run = runtime.run(spec.build());
            CellResult result = run.result().requireSuccess();
            raw = result.stdout();
            masked = secrets.masker().mask(raw);
            assertThat(secrets.correlationId()).isPresent();
            assertThat(broker.heldBy("secrets-it")).containsExactly("DEPLOY_KEY", "DEPLOY_TOKEN");
        }
        assertThat(broker.heldBy("secrets-it")).isEmpty(); // revoked when the cell was done

        Masker check = Masker.builder()
                .secret("DEPLOY_TOKEN", TOKEN.getBytes(StandardCharsets.UTF_8))
                .secret("DEPLOY_KEY", KEY.getBytes(StandardCharsets.UTF_8))
                .build();
        // The cell really printed the secrets, in several forms ...
        assertThat(check.find(raw))
                .extracting(Masker.Finding::form)
                .map(Enum::name)
                .contains("RAW", "BASE64", "HEX", "JSON");
        // ... and none is left after masking.
        assertThat(check.find(masked)).isEmpty();
        assertThat(new String(masked, StandardCharsets.UTF_8)).startsWith("token: ***\n");
    }
}
