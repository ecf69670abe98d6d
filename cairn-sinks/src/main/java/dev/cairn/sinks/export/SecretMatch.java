package dev.cairn.sinks.export;

import java.util.Objects;

/**
 * A secret found by a {@link SecretScanner}: which secret (its name, never its value) and in which
 * form ({@code plain}, {@code base64}, {@code hex}, …).
 *
 * @param secretName the secret's name
 * @param form the form it was found in
 */
public record SecretMatch(String secretName, String form) {

    public SecretMatch {
        Objects.requireNonNull(secretName, "secret_name");
        Objects.requireNonNull(form, "form");
    }
}
