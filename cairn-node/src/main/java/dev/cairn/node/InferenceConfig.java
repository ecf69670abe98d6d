package dev.cairn.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code inference} section of {@code <home>/cairn.yaml}: the OpenAI-compatible endpoint the
 * node's inference broker calls, the <em>name</em> of the secret holding its key (in the home's
 * secret store, {@code cairn secrets set NAME}), the default model and the token budget of each run.
 *
 * <pre>{@code
 * inference:
 *   base_url: https://api.openai.com/v1
 *   api_key_secret: OPENAI_API_KEY      # a name, never the key; omit for endpoints without keys
 *   model: gpt-4o-mini
 *   budget_tokens: 100000               # per run: what all the run's requests may spend together
 * }</pre>
 *
 * @param baseUrl the API base ({@code http} or {@code https}, no user or password); requests go to
 *     {@code {base_url}/chat/completions}
 * @param apiKeySecret the name of the secret sent as {@code Authorization: Bearer}; empty: no key
 * @param model the model of requests whose hint is not honoured (the seed calls hints advisory)
 * @param budgetTokens the token budget of each run (prompt plus completion tokens, as reported)
 */
public record InferenceConfig(URI baseUrl, Optional<String> apiKeySecret, String model, long budgetTokens) {

    /** The fields of the section. */
    public static final Set<String> FIELDS = Set.of("base_url", "api_key_secret", "model", "budget_tokens");

    /** The largest per-run budget accepted. */
    public static final long MAX_BUDGET_TOKENS = 1_000_000_000_000L;

    private static final Pattern SECRET_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");

    public InferenceConfig {
        Objects.requireNonNull(baseUrl, "base_url");
        Objects.requireNonNull(apiKeySecret, "api_key_secret");
        Objects.requireNonNull(model, "model");
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!baseUrl.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base_url must be an absolute http or https URL, got " + baseUrl);
        }
        if (baseUrl.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "base_url must not hold a user or password; put the key in a secret and name it in api_key_secret");
        }
        apiKeySecret.ifPresent(name -> {
            if (!SECRET_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "api_key_secret must be the name of a secret (letters, digits," + " `_`; not the key itself)");
            }
        });
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (budgetTokens < 1 || budgetTokens > MAX_BUDGET_TOKENS) {
            throw new IllegalArgumentException(
                    "budget_tokens must be 1.." + MAX_BUDGET_TOKENS + ", got " + budgetTokens);
        }
    }

    /**
     * Reads the section.
     *
     * @throws IllegalArgumentException naming the field and what is wrong (never a value that may be
     *     a secret)
     */
    static InferenceConfig parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "must be a mapping with base_url, model, budget_tokens" + " and optionally api_key_secret");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field `" + name + "`; the fields are " + FIELDS);
            }
        }
        String base = text(node, "base_url", true);
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("base_url is not a URL: " + e.getReason(), e);
        }
        Optional<String> secret = Optional.ofNullable(text(node, "api_key_secret", false));
        String model = text(node, "model", true);
        JsonNode budget = node.get("budget_tokens");
        if (budget == null || budget.isNull()) {
            throw new IllegalArgumentException("budget_tokens is required (the token budget of each run)");
        }
        if (!budget.isIntegralNumber() || !budget.canConvertToLong()) {
            throw new IllegalArgumentException("budget_tokens must be a whole number");
        }
        return new InferenceConfig(uri, secret, model, budget.longValue());
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.textValue();
    }
}
