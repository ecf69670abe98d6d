package dev.cairn.sinks.support;

import dev.cairn.sinks.export.SecretMatch;
import dev.cairn.sinks.export.SecretScanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A simple scanner for tests: it reads everything, then looks for each secret's plain bytes and
 * its standard base64. (The real one is the secret masker's matcher.)
 */
public final class LiteralSecretScanner implements SecretScanner {

    private final Map<String, String> secrets;

    public LiteralSecretScanner(Map<String, String> secrets) {
        this.secrets = new LinkedHashMap<>(secrets);
    }

    @Override
    public Optional<SecretMatch> scan(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            byte[] plain = secret.getValue().getBytes(StandardCharsets.UTF_8);
            if (indexOf(bytes, plain) >= 0) {
                return Optional.of(new SecretMatch(secret.getKey(), "plain"));
            }
            byte[] base64 = Base64.getEncoder().withoutPadding().encode(plain);
            if (indexOf(bytes, base64) >= 0) {
                return Optional.of(new SecretMatch(secret.getKey(), "base64"));
            }
        }
        return Optional.empty();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
