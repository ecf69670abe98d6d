package dev.cairn.secrets;

import java.util.Objects;

/**
 * A secret a step needs and how its cell receives it: the runtime form of a pipeline's {@code
 * secrets:} entry ({@code NAME}, {@code {name, env}}, {@code {name, file}}).
 *
 * @param name the secret's name in the broker ({@link SecretPolicy#NAME_PATTERN})
 * @param delivery as an environment variable or as a file
 */
public record SecretRequest(String name, Delivery delivery) {

    /** How the cell receives a secret. */
    public sealed interface Delivery {

        /** As the environment variable {@code variable} (not {@code CAIRN_*}). */
        record Env(String variable) implements Delivery {
            public Env {
                if (!SecretPolicy.isVariable(variable)) {
                    throw SecretsException.invalidRequest("secret variable " + SecretPolicy.describeName(variable)
                            + " is not a variable name, or is a CAIRN_* one");
                }
            }
        }

        /** As the file {@code fileName} in the cell's private, in-memory secrets directory. */
        record File(String fileName) implements Delivery {
            public File {
                if (!SecretPolicy.isFileName(fileName)) {
                    throw SecretsException.invalidRequest("secret file name " + SecretPolicy.describeName(fileName)
                            + " is not 1-128 of [A-Za-z0-9._-] starting with a letter, digit or _");
                }
            }
        }
    }

    public SecretRequest {
        SecretPolicy.requireName(name);
        Objects.requireNonNull(delivery, "delivery");
    }

    /** {@code NAME}: the variable of the same name. */
    public static SecretRequest env(String name) {
        return new SecretRequest(SecretPolicy.requireName(name), new Delivery.Env(name));
    }

    /** {@code {name: NAME, env: VARIABLE}}. */
    public static SecretRequest env(String name, String variable) {
        return new SecretRequest(name, new Delivery.Env(variable));
    }

    /** {@code {name: NAME, file: FILE}}. */
    public static SecretRequest file(String name, String fileName) {
        return new SecretRequest(name, new Delivery.File(fileName));
    }
}
