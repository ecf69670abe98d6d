package dev.cairn.secrets;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development broker: the secret {@code NAME} is the variable {@code CAIRN_SECRET_NAME} of this
 * process's environment (the prefix is configurable).
 *
 * <p>The process environment is ambient: every process this one starts inherits it unless told
 * otherwise, and anyone who may read {@code /proc/PID/environ} of this process reads it. Cells do
 * not inherit it (a cell's environment starts empty), but the broker says so with a warning when it
 * is created. Use a {@link DirectorySecretBroker} or the {@link LocalSecretStore} beyond a
 * developer's machine.
 *
 * <p>The variables are read once, when the broker is created. No runtime leases.
 */
public final class EnvSecretBroker extends CellScopedSecretBroker {

    /** The default prefix: {@code CAIRN_SECRET_DEPLOY_TOKEN} is the secret {@code DEPLOY_TOKEN}. */
    public static final String DEFAULT_PREFIX = "CAIRN_SECRET_";

    private static final Logger LOG = LoggerFactory.getLogger(EnvSecretBroker.class);
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final String prefix;
    private final Map<String, String> values;

    /**
     * A broker over the variables of {@code environment} that start with {@code prefix}.
     *
     * @throws SecretsException {@code invalid_secret_request} for a prefix that is not the start of a variable name
     */
    public EnvSecretBroker(Map<String, String> environment, String prefix, InstantSource clock) {
        super(clock);
        Objects.requireNonNull(environment, "environment");
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw SecretsException.invalidRequest(
                    "the environment prefix must be 1-64 letters, digits and _, not starting with a digit");
        }
        this.prefix = prefix;
        TreeMap<String, String> selected = new TreeMap<>();
        environment.forEach((k, v) -> {
            if (k != null && v != null && k.startsWith(prefix) && k.length() > prefix.length()) {
                selected.put(k.substring(prefix.length()), v);
            }
        });
        this.values = Map.copyOf(selected);
        LOG.warn(
                "Secrets come from this process's environment ({}*: {} variables). The environment is ambient:"
                        + " processes started by this one inherit it and /proc/<pid>/environ shows it. Use it for"
                        + " development only; use a secrets directory or `cairn secrets set` elsewhere.",
                prefix,
                values.size());
    }

    /** A broker over this process's environment with the {@link #DEFAULT_PREFIX}. */
    public static EnvSecretBroker fromProcessEnvironment() {
        return new EnvSecretBroker(System.getenv(), DEFAULT_PREFIX, InstantSource.system());
    }

    @Override
    protected byte[] read(String name) {
        String value = values.get(name);
        if (value == null) {
            throw SecretsException.notFound(name, "the environment (no variable " + prefix + name + ")");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String source() {
        return "environment " + prefix + "*";
    }
}
