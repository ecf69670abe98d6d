package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.cell.api.CellosError;
import dev.cairn.cell.api.RuntimeSecretLeaseRequest;
import dev.cairn.cell.api.SecretBroker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EnvSecretBrokerTest extends SecretBrokerContract {

    @Override
    protected CellScopedSecretBroker newBroker(TestClock clock, Map<String, String> secrets) {
        Map<String, String> env = new HashMap<>();
        secrets.forEach((k, v) -> env.put(EnvSecretBroker.DEFAULT_PREFIX + k, v));
        env.put("PATH", "/usr/bin");
        env.put("DEPLOY_TOKEN", "not-from-the-prefix-1234");
        return new EnvSecretBroker(env, EnvSecretBroker.DEFAULT_PREFIX, clock);
    }

    @Test
    void onlyPrefixedVariablesAreSecrets() {
        Map<String, String> env = Map.of("APP_SECRET_TOKEN", "prefixed-value-1", "TOKEN", "unprefixed-value-2");
        EnvSecretBroker b = new EnvSecretBroker(env, "APP_SECRET_", new TestClock());
        assertThat(b.resolve("TOKEN", "c", 5).reveal()).isEqualTo("prefixed-value-1");
        SecretsException e = Errors.brokerFailure(() -> b.resolve("PATH", "c", 5), "secret_not_found");
        assertThat(e.getMessage()).contains("APP_SECRET_PATH");
        assertThat(b.source()).isEqualTo("environment APP_SECRET_*");
    }

    @Test
    void aValueTooShortToMaskIsRefusedWithTheReason() {
        EnvSecretBroker b = new EnvSecretBroker(Map.of("CAIRN_SECRET_PIN", "1234"), "CAIRN_SECRET_", new TestClock());
        SecretsException e = Errors.brokerFailure(() -> b.resolve("PIN", "c", 5), "secret_too_short");
        assertThat(e.getMessage())
                .contains("PIN", "at least 8 bytes", "masking")
                .doesNotContain("1234");
    }

    @Test
    void itWarnsThatTheEnvironmentIsAmbient() {
        Logger logger = (Logger) LoggerFactory.getLogger(EnvSecretBroker.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            new EnvSecretBroker(Map.of("CAIRN_SECRET_A", "value-of-a-secret"), "CAIRN_SECRET_", new TestClock());
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).hasSize(1);
        ILoggingEvent event = appender.list.getFirst();
        assertThat(event.getLevel().toString()).isEqualTo("WARN");
        assertThat(event.getFormattedMessage())
                .contains("ambient", "development only", "CAIRN_SECRET_*", "1 variables")
                .doesNotContain("value-of-a-secret");
    }

    @Test
    void aPrefixMustBeTheStartOfAVariableName() {
        Errors.failure(() -> new EnvSecretBroker(Map.of(), "", new TestClock()), "invalid_secret_request");
        Errors.failure(() -> new EnvSecretBroker(Map.of(), "1X", new TestClock()), "invalid_secret_request");
        assertThat(EnvSecretBroker.fromProcessEnvironment().source()).isEqualTo("environment CAIRN_SECRET_*");
    }

    @Test
    void withoutRuntimeLeasesItKeepsTheSeedsDefaults() {
        SecretBroker b = newBroker(new TestClock(), Map.of("NPM_TOKEN", "npm_0123456789abcdef"));
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> b.prepareRuntimeSecretLease("cell-1", List.of(new RuntimeSecretLeaseRequest("NPM_TOKEN", 60))));
        assertThat(t).isInstanceOfSatisfying(dev.cairn.cell.api.CellException.class, e -> {
            assertThat(e.error()).isEqualTo(new CellosError.SecretBroker(SecretBroker.RUNTIME_LEASE_UNSUPPORTED));
            assertThat(e.getMessage())
                    .isEqualTo("secret broker: runtimeLeasedBroker is not supported by this secret broker");
        });
        // fetch resolves afresh; no correlation id
        assertThat(b.fetchRuntimeSecret("NPM_TOKEN", "cell-1", 60).reveal()).isEqualTo("npm_0123456789abcdef");
        assertThat(b.brokerCorrelationId()).isEmpty();
    }
}
