package dev.cairn.orchestrator.spec;

import java.util.Objects;

/**
 * A secret a step needs, by name, and how the cell delivers it. The value never appears in the
 * spec, the manifest or the plan: the cell's secret broker resolves the name for that cell only.
 *
 * <p>In a spec: {@code - DEPLOY_TOKEN} (an environment variable of the same name), {@code - {name:
 * DEPLOY_TOKEN, env: TOKEN}}, or {@code - {name: DEPLOY_KEY, file: deploy_key}} (a file in the
 * directory the cell names in {@code CAIRN_SECRETS_DIR}).
 *
 * @param name the secret's name in the broker
 * @param delivery how the step receives it
 */
public record SecretRef(String name, SecretDelivery delivery) {

    public SecretRef {
        if (name == null || !Names.isSecretName(name)) {
            throw SpecException.unplaced(
                    "/name",
                    SpecCode.INVALID_SECRET_NAME,
                    "secret name " + (name == null ? "is missing" : Texts.quote(name)) + " is not valid");
        }
        Objects.requireNonNull(delivery, "delivery");
    }

    /** The secret {@code name}, delivered as the environment variable {@code name}. */
    public static SecretRef env(String name) {
        return new SecretRef(name, new SecretDelivery.Env(name));
    }
}
