package dev.cairn.runner.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.runner.api.lease.LeaseException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Cairn's additions to the seed: ResultRunner and LeaseException.fromCode. */
class SeamAdditionsTest {

    @Test
    void aResultRunnersRunCallsRunForResult() {
        AtomicReference<TaskCtx> seen = new AtomicReference<>();
        ResultRunner runner = new ResultRunner() {
            @Override
            public String capability() {
                return "/x/v1";
            }

            @Override
            public JsonNode runForResult(TaskCtx ctx) {
                seen.set(ctx);
                return JsonNodeFactory.instance.objectNode().put("ok", true);
            }
        };
        TaskCtx ctx = new TaskCtx(
                LeaseEnvelope.builder(
                                TaskSpec.builder(UUID.randomUUID(), "/x/v1").build())
                        .build(),
                new InMemoryInputSource(),
                new InMemoryArtifactSink(),
                new RecordingControlPlane());

        runner.run(ctx);

        assertThat(seen.get()).isSameAs(ctx);
    }

    @Test
    void leaseRefusalsFromARemoteServiceKeepItsMessage() {
        LeaseException stale = LeaseException.fromCode(LeaseException.STALE_LEASE, "epoch 1 is stale", "drop it");
        assertThat(stale.code()).isEqualTo("stale_lease");
        assertThat(stale.getMessage()).isEqualTo("epoch 1 is stale");
        assertThat(stale.hint()).isEqualTo("drop it");
        assertThat(stale.retryable()).isFalse();
        assertThat(LeaseException.fromCode(LeaseException.UNAVAILABLE, "busy", "")
                        .retryable())
                .isTrue();
        assertThatThrownBy(() -> LeaseException.fromCode("forbidden", "no", ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
