package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.executor.protocol.InferenceGrant;
import dev.cairn.sinks.config.SinkTarget;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A step's {@code inference:} and a pipeline's {@code events: {sinks: [...]}}. */
class InferenceAndSinksSpecTest {

    @Test
    void aStepAsksForInferenceWithOrWithoutACapAndIsThenNotCachedUnlessItSaysSo() {
        PipelineSpec spec = Specs.valid(
                        """
                        op: x
                        steps:
                          - id: plain
                            run: echo
                          - id: ask
                            run: echo
                            inference: true
                          - id: capped
                            run: echo
                            inference: {max_tokens: 256}
                          - id: cached
                            run: echo
                            inference: {}
                            cache: true
                          - id: off
                            run: echo
                            inference: false
                        """,
                        "x.yaml")
                .spec();
        assertThat(spec.step("plain").orElseThrow().inference()).isEmpty();
        assertThat(spec.step("plain").orElseThrow().cache()).isTrue();
        assertThat(spec.step("ask").orElseThrow().inference()).contains(InferenceGrant.DEFAULT);
        assertThat(spec.step("ask").orElseThrow().cache()).isFalse();
        assertThat(spec.step("capped").orElseThrow().inference()).contains(InferenceGrant.maxTokens(256));
        assertThat(spec.step("capped").orElseThrow().cache()).isFalse();
        assertThat(spec.step("cached").orElseThrow().cache()).isTrue();
        assertThat(spec.step("off").orElseThrow().inference()).isEmpty();
        assertThat(spec.step("off").orElseThrow().cache()).isTrue();
        // the command the runner gets carries the grant
        assertThat(spec.step("capped")
                        .orElseThrow()
                        .toCommandStep(ParamValues.NONE)
                        .inference())
                .contains(InferenceGrant.maxTokens(256));
        // the written spec reads back the same, and a step without it is written as before
        PipelineSpec again =
                Specs.valid(SpecWriter.toJsonString(spec), "x.json").spec();
        assertThat(again).isEqualTo(spec);
        assertThat(SpecWriter.toJson(spec).at("/steps/0").has("inference")).isFalse();
        assertThat(SpecWriter.toJson(spec).at("/steps/1/inference").asBoolean()).isTrue();
    }

    @Test
    void badInferenceValuesAreErrorsWithTheirPositions() {
        assertThat(Specs.errors(
                        """
                        op: x
                        steps:
                          - id: a
                            run: echo
                            inference: {max_tokens: 0}
                          - id: b
                            run: echo
                            inference: {budget: 5}
                          - id: c
                            run: echo
                            inference: yes please
                          - id: d
                            capability: probe
                            inference: true
                        """,
                        "x.yaml"))
                .hasSize(4)
                .anySatisfy(e -> assertThat(e).startsWith("5:").contains("/steps/0/inference/max_tokens"))
                .anySatisfy(e -> assertThat(e).startsWith("8:").contains("/steps/1/inference/budget"))
                .anySatisfy(e -> assertThat(e).startsWith("11:").contains("/steps/2/inference"))
                .anySatisfy(e -> assertThat(e).startsWith("14:").contains("/steps/3/inference"));
    }

    @Test
    void aPipelineDeclaresEventSinksInThePerRunFormat() {
        PipelineSpec spec = Specs.valid(
                        """
                        op: x
                        events:
                          sinks:
                            - name: trail
                              jsonl: {path: /tmp/trail.jsonl}
                            - name: hook
                              types: [dev.cairn.run.*]
                              webhook: {url: "https://ci.example.com/hook", secret: HOOK_SECRET}
                        steps:
                          - id: a
                            run: echo
                        """,
                        "x.yaml")
                .spec();
        assertThat(spec.sinks()).extracting(s -> s.name()).containsExactly("trail", "hook");
        assertThat(spec.sinks().getFirst().target()).isInstanceOf(SinkTarget.JsonLines.class);
        assertThat(Specs.valid(SpecWriter.toJsonString(spec), "x.json").spec()).isEqualTo(spec);
        // a pipeline without sinks is written as before
        PipelineSpec none =
                Specs.valid("op: x\nsteps: [{id: a, run: echo}]\n", "x.yaml").spec();
        assertThat(none.sinks()).isEmpty();
        assertThat(SpecWriter.toJson(none).has("events")).isFalse();
        assertThat(Optional.of(none)).isPresent();
    }

    @Test
    void badSinksAreErrorsWithTheirPositions() {
        assertThat(Specs.errors(
                        """
                        op: x
                        events:
                          sinks:
                            - name: a
                              jsonl: {path: /tmp/a.jsonl}
                            - name: a
                              jsonl: {path: /tmp/b.jsonl}
                            - name: c
                              webhook: {url: "https://x.example.com", secret: "sk-live-0123456789abcdefghijklmnop"}
                            - name: d
                        steps:
                          - id: a
                            run: echo
                        """,
                        "x.yaml"))
                .anySatisfy(e -> assertThat(e).contains("/events/sinks/1/name"))
                .anySatisfy(e -> assertThat(e).contains("/events/sinks/2"))
                .anySatisfy(e -> assertThat(e).contains("/events/sinks/3"))
                .noneSatisfy(e -> assertThat(e).contains("sk-live"));
        assertThat(Specs.errors("op: x\nevents: {sink: []}\nsteps: [{id: a, run: echo}]\n", "x.yaml"))
                .anySatisfy(e -> assertThat(e).startsWith("2:").contains("/events/sink"));
    }
}
