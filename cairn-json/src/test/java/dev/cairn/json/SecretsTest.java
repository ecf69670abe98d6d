package dev.cairn.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.Secrets.Finding;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretsTest {

    // Credential-shaped test values, assembled so that scanners of this repository do not flag them.
    private static final String GITHUB = "ghp_" + "1234567890abcdefghijABCDEFGHIJ123456";
    private static final String GITHUB_PAT =
            "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU";
    private static final String AWS = "AKIA" + "IOSFODNN7EXAMPLE";
    private static final String SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String WEBHOOK =
            "https://hooks.slack.com/services/" + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    private static final String PEM =
            "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";

    private static JsonNode json(String text) {
        return StrictJson.parse(text);
    }

    private static ObjectNode with(String key, String value) {
        return JsonNodeFactory.instance.objectNode().put(key, value);
    }

    @Test
    void secretNamedKeysWithNonEmptyStringsAreSecrets() {
        for (String key : List.of(
                "password",
                "PASSWORD",
                "db_password",
                "dbPassword",
                "passwd",
                "passphrase",
                "secret",
                "client_secret",
                "clientSecret",
                "token",
                "access_token",
                "refresh-token",
                "githubToken",
                "GITHUB_TOKEN",
                "api_key",
                "apiKey",
                "APIKey",
                "apikey",
                "x-api-key",
                "private_key",
                "privateKey",
                "private_key_pem",
                "AWS_SECRET_ACCESS_KEY",
                "aws.access.key",
                "signing_key",
                "authorization",
                "Authorization",
                "credentials",
                "credential",
                "mnemonic",
                "seed_phrase",
                "token2",
                "secret.value")) {
            assertThat(Secrets.findings(with(key, "s3cr3t")))
                    .as(key)
                    .containsExactly(new Finding("/" + key, SecretKind.SECRET_NAMED_KEY));
        }
    }

    @Test
    void keysWhoseLastWordIsNotSecretAreNot() {
        for (String key : List.of(
                "token_count",
                "tokenCount",
                "token_type",
                "max_tokens",
                "tokenizer",
                "secret_santa",
                "secret_ref",
                "secretName",
                "password_policy",
                "password_file",
                "passwordHash",
                "cache_key",
                "idempotency_key",
                "key",
                "keys",
                "auth",
                "author",
                "monkey",
                "primary_key",
                "public_key",
                "access_key_id")) {
            assertThat(Secrets.findings(with(key, "some value"))).as(key).isEmpty();
        }
    }

    @Test
    void valuesThatAreNotNonEmptyStringsAreNotSecrets() {
        JsonNode doc = json("{\"password\":\"\",\"token_count\":3,\"token\":42,\"secret\":null,\"api_key\":true,"
                + "\"secrets\":[\"db-password\",\"api-token\"],\"credentials\":{\"ref\":\"vault:db\"},"
                + "\"passwd\":\"********\",\"client_secret\":\"<redacted>\",\"access_token\":\"[REDACTED]\"}");
        assertThat(Secrets.findings(doc)).isEmpty();
        assertThat(Secrets.containsSecrets(doc)).isFalse();
    }

    @Test
    void credentialShapedValuesAreSecretsUnderAnyKey() {
        assertThat(kind(GITHUB)).isEqualTo(SecretKind.GITHUB_TOKEN);
        assertThat(kind("gho_" + GITHUB.substring(4))).isEqualTo(SecretKind.GITHUB_TOKEN);
        assertThat(kind("ghs_" + GITHUB.substring(4))).isEqualTo(SecretKind.GITHUB_TOKEN);
        assertThat(kind("ghu_" + GITHUB.substring(4))).isEqualTo(SecretKind.GITHUB_TOKEN);
        assertThat(kind(GITHUB_PAT)).isEqualTo(SecretKind.GITHUB_TOKEN);
        assertThat(kind(AWS)).isEqualTo(SecretKind.AWS_ACCESS_KEY_ID);
        assertThat(kind("ASIA" + "Y34FZKBOKMUTVV7A")).isEqualTo(SecretKind.AWS_ACCESS_KEY_ID);
        assertThat(kind(SLACK)).isEqualTo(SecretKind.SLACK_TOKEN);
        assertThat(kind("xoxp-" + "1234567890-1234567890-abcdef")).isEqualTo(SecretKind.SLACK_TOKEN);
        assertThat(kind(WEBHOOK)).isEqualTo(SecretKind.SLACK_WEBHOOK);
        assertThat(kind(JWT)).isEqualTo(SecretKind.JWT);
        assertThat(kind(PEM)).isEqualTo(SecretKind.PEM_PRIVATE_KEY);
        assertThat(kind("-----BEGIN " + "PRIVATE KEY-----\nMIIE")).isEqualTo(SecretKind.PEM_PRIVATE_KEY);
        assertThat(kind("-----BEGIN OPENSSH " + "PRIVATE KEY-----")).isEqualTo(SecretKind.PEM_PRIVATE_KEY);
        assertThat(kind("curl -H 'Authorization: Bearer abcdefghijklmnop0123456789'"))
                .isEqualTo(SecretKind.BEARER_TOKEN);
        assertThat(kind("postgres://app:hunter2@db.internal:5432/cairn")).isEqualTo(SecretKind.URL_CREDENTIALS);
        // Embedded in a longer value, e.g. a command line.
        assertThat(kind("git clone https://x-access-token:" + GITHUB + "@github.com/org/repo"))
                .isNotNull();
        assertThat(kind("export AWS_ACCESS_KEY_ID=" + AWS)).isEqualTo(SecretKind.AWS_ACCESS_KEY_ID);
    }

    private static SecretKind kind(String value) {
        List<Finding> findings = Secrets.findings(with("note", value));
        assertThat(findings).as(value).hasSize(1);
        assertThat(findings.getFirst().pointer()).isEqualTo("/note");
        return findings.getFirst().kind();
    }

    @Test
    void lookAlikesAreNotSecrets() {
        List<String> values = List.of(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // ArtifactId
                "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30", // UUID
                "5155555a1b2c3d4e5f60718293a4b5c6d7e8f901", // git SHA
                "ghp_short",
                "github_pat_",
                "AKIA1234", // too short
                "XAKIAIOSFODNN7EXAMPLEX", // inside a longer word
                "xoxb-", // prefix only
                "https://hooks.slack.com/",
                "eyJhbGciOiJIUzI1NiJ9", // a base64 JSON header without payload and signature
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
                "use a Bearer token in the Authorization header",
                "https://user@example.com/path",
                "ssh://git@github.com/org/repo.git",
                "http://localhost:8080/run/1",
                "git@github.com:org/repo.git",
                "my password is in the vault", // prose is not a credential
                "token_count",
                "");
        for (String value : values) {
            assertThat(Secrets.findings(with("note", value))).as(value).isEmpty();
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        values.forEach(list::add);
        assertThat(Secrets.containsSecrets(list)).isFalse();
    }

    @Test
    void findingsArePointersAnywhereInTheTree() {
        JsonNode doc = json("{\"steps\":[{\"env\":{\"HOME\":\"/root\",\"API_KEY\":\"abc\"}},"
                + "{\"args\":[\"--verbose\",\"" + AWS + "\"]}],"
                + "\"a/b~c\":{\"password\":\"x\"},"
                + "\"env\":[{\"name\":\"GITHUB_TOKEN\",\"value\":\"abc\"},{\"name\":\"HOME\",\"value\":\"/root\"}],"
                + "\"" + SLACK + "\":true}");
        assertThat(Secrets.findings(doc))
                .containsExactlyInAnyOrder(
                        new Finding("/steps/0/env/API_KEY", SecretKind.SECRET_NAMED_KEY),
                        new Finding("/steps/1/args/1", SecretKind.AWS_ACCESS_KEY_ID),
                        new Finding("/a~1b~0c/password", SecretKind.SECRET_NAMED_KEY),
                        new Finding("/env/0/value", SecretKind.SECRET_NAMED_KEY),
                        new Finding("/" + SLACK, SecretKind.SLACK_TOKEN));
        assertThat(Secrets.containsSecrets(doc)).isTrue();
        assertThat(Secrets.findings(json("\"" + JWT + "\""))).containsExactly(new Finding("", SecretKind.JWT));
    }

    @Test
    void refusalsNameWhereButNeverWhat() {
        JsonNode doc = json("{\"run\":{\"db_password\":\"hunter2-very-secret\",\"token\":\"" + GITHUB + "\"}}");
        JsonException e = catchThrowableOfType(JsonException.class, () -> Secrets.requireNone(doc));
        assertThat(e.code()).isEqualTo("contains_secret");
        assertThat(e.path()).isEqualTo("/run/db_password");
        assertThat(e.getMessage()).contains("/run/db_password", "/run/token");
        assertThat(e.getMessage() + e.hint()).doesNotContain("hunter2", GITHUB);
        Secrets.requireNone(json("{\"token_count\":3}"));
    }

    @Test
    void deepTreesAreScannedWithoutRecursion() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode at = root;
        for (int i = 0; i < 100_000; i++) {
            at = at.putObject("n");
        }
        at.put("secret", "x");
        List<Finding> findings = Secrets.findings(root);
        assertThat(findings).hasSize(1);
        assertThat(findings.getFirst().pointer()).endsWith("/n/secret");
    }

    /** The placeholder rule as first written (a regex replace), kept as the oracle of the fast one. */
    private static boolean placeholderByRegex(String s) {
        if (s.isEmpty() || s.chars().allMatch(c -> c == '*')) {
            return true;
        }
        return s.replaceAll("^[\\[<(]|[\\]>)]$", "").equalsIgnoreCase("redacted");
    }

    @Test
    void placeholdersAreRecognisedExactlyAsTheRegexRuleDid() {
        long seed = System.nanoTime();
        System.out.println("SecretsTest placeholder seed " + seed);
        Random random = new Random(seed);
        String alphabet = "[<(]>)*redactREDACTx \n\r";
        List<String> fixed = List.of(
                "",
                "*",
                "****",
                "redacted",
                "REDACTED",
                "[redacted]",
                "<Redacted>",
                "(redacted)",
                "[redacted",
                "redacted]",
                "((redacted))",
                "[redacted]\n",
                "redacted\n",
                "(",
                "]",
                "[]",
                "*x*",
                "hunter2");
        for (int i = 0; i < 20_000 + fixed.size(); i++) {
            String value;
            if (i < fixed.size()) {
                value = fixed.get(i);
            } else {
                StringBuilder b = new StringBuilder();
                if (random.nextBoolean()) {
                    b.append("[<(".charAt(random.nextInt(3)));
                }
                if (random.nextInt(4) > 0) {
                    b.append(random.nextBoolean() ? "redacted" : "ReDaCtEd");
                }
                for (int n = random.nextInt(3); n > 0; n--) {
                    b.insert(random.nextInt(b.length() + 1), alphabet.charAt(random.nextInt(alphabet.length())));
                }
                if (random.nextBoolean()) {
                    b.append("]>)*\n".charAt(random.nextInt(5)));
                }
                value = b.toString();
            }
            boolean flagged = !Secrets.findings(with("password", value)).isEmpty();
            assertThat(flagged).as("seed %d, value <%s>", seed, value).isEqualTo(!placeholderByRegex(value));
        }
    }

    /** The scan remembers its verdicts on keys; they stay right once it has seen more keys than it keeps. */
    @Test
    void verdictsOnKeysStayRightBeyondTheKeysRemembered() {
        for (int round = 0; round < 2; round++) {
            ObjectNode many = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < 6_000; i++) {
                many.put("field_" + round + "_" + i, "v");
            }
            assertThat(Secrets.findings(many)).isEmpty();
            many.put("late_db_password_" + round, "hunter2");
            many.put("late_token_count_" + round, "3");
            assertThat(Secrets.pointers(many)).containsExactly("/late_db_password_" + round);
            for (String key : List.of("DB_PASSWORD", "token_count", "clientSecret", "cache_key", "x-api-key")) {
                assertThat(Secrets.containsSecrets(with(key, "value")))
                        .as("%s, seen %d times", key, round + 1)
                        .isEqualTo(Secrets.isSecretName(key));
            }
        }
        String longKey = "a_".repeat(40) + "password";
        assertThat(Secrets.pointers(with(longKey, "x"))).containsExactly("/" + longKey);
    }
}
