package dev.cairn.machine.context;

import static dev.cairn.machine.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.json.JsonException;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.errors.ContextError;
import dev.cairn.machine.errors.ContextException;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.ids.ContextKey;
import dev.cairn.machine.meta.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypedContextTest {

    record Balance(String asset, long amount) {}

    private final DynContext ctx = new MapContext();
    private final ContextKey key = new ContextKey("balances.eth");

    @Test
    void everyContextHasTheTypedHelpers() {
        assertThat(ctx).isInstanceOf(TypedContextExt.class);
        assertThat(ctx.readTyped(key, Balance.class)).isEmpty();
    }

    @Test
    void typedValuesAreStoredInTheirWireForm() {
        ctx.writeTyped(key, new Balance("eth", 12));
        assertThat(ctx.read(key)).contains(json("{\"asset\":\"eth\",\"amount\":12}"));
        assertThat(ctx.readTyped(key, Balance.class)).contains(new Balance("eth", 12));

        ContextKey policy = new ContextKey("policy");
        ctx.writeTyped(policy, new BackoffPolicy.Fixed(Duration.ofSeconds(3)));
        assertThat(ctx.read(policy)).contains(json("{\"Fixed\":{\"delay\":{\"secs\":3,\"nanos\":0}}}"));
        assertThat(ctx.readTyped(policy, BackoffPolicy.class)).contains(new BackoffPolicy.Fixed(Duration.ofSeconds(3)));

        ContextKey tags = new ContextKey("tags");
        ctx.writeTyped(tags, List.of(new Tag("a"), new Tag("b")));
        assertThat(ctx.readTyped(tags, new TypeReference<List<Tag>>() {}))
                .contains(List.of(new Tag("a"), new Tag("b")));
    }

    @Test
    void nullIsJsonNullAndReadsAsEmpty() {
        ctx.writeTyped(key, null);
        assertThat(ctx.read(key)).contains(json("null"));
        assertThat(ctx.readTyped(key, Balance.class)).isEqualTo(Optional.empty());
        assertThat(ctx.readTyped(key, new TypeReference<List<Tag>>() {})).isEmpty();
    }

    @Test
    void aValueOfAnotherShapeIsTheSeedsDeserializeError() {
        ctx.write(key, json("{\"asset\":\"eth\",\"amount\":\"s3cr3t-looking\"}"));
        assertThatThrownBy(() -> ctx.readTyped(key, Balance.class))
                .isInstanceOfSatisfying(ContextException.class, e -> {
                    assertThat(e.code()).isEqualTo("context_deserialize_failed");
                    assertThat(e.category()).isEqualTo(ErrorCategory.CONTEXT);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.error()).isInstanceOf(ContextError.Serialization.class);
                    assertThat(e.info().details())
                            .contains(json("{\"key\":\"balances.eth\",\"type\":\"Balance\",\"path\":\"/amount\"}"));
                    assertThat(e.getMessage()).contains("balances.eth").doesNotContain("s3cr3t");
                    assertThat(e.info().message()).doesNotContain("s3cr3t");
                    assertThat(e.getCause()).isInstanceOf(JsonException.class);
                });
        ctx.write(key, json("[1]"));
        assertThatThrownBy(() -> ctx.readTyped(key, new TypeReference<List<Tag>>() {}))
                .isInstanceOfSatisfying(ContextException.class, e -> {
                    assertThat(e.code()).isEqualTo("context_deserialize_failed");
                    assertThat(e.info().details().orElseThrow().get("path").asText())
                            .isEqualTo("/0");
                });
    }

    @Test
    void aValueWithoutJsonFormIsTheSeedsSerializeErrorAndWritesNothing() {
        assertThatThrownBy(() -> ctx.writeTyped(key, Duration.ofSeconds(-1)))
                .isInstanceOfSatisfying(ContextException.class, e -> {
                    assertThat(e.code()).isEqualTo("context_serialize_failed");
                    assertThat(e.error()).isInstanceOf(ContextError.Serialization.class);
                    assertThat(e.getCause()).isInstanceOf(JsonException.class);
                });
        assertThat(ctx.read(key)).isEmpty();
        assertThat(ctx.dump()).isEqualTo(json("{}"));
    }
}
