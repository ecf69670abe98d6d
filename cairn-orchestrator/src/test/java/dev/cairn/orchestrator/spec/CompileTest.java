package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.ResourceLimits;
import dev.cairn.executor.protocol.Run;
import dev.cairn.machine.config.BackoffPolicy;
import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.config.ExecutionMode;
import dev.cairn.machine.config.IoMode;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.config.RunConfig;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure compilation of a spec: run config, command steps, state metadata, routing. */
class CompileTest {

    private static BoundPipeline kitchenSink() {
        return Specs.kitchenSink().bind(Map.of("channel", "stable"));
    }

    @Test
    void settingsBecomeTheRunConfig() {
        RunConfig config = kitchenSink().runConfig();
        assertThat(config.executionMode()).isEqualTo(new ExecutionMode.FanOutJoin(8));
        assertThat(config.retryPolicy()).isEqualTo(new RetryPolicy(2, new BackoffPolicy.Fixed(Duration.ofMillis(500))));
        assertThat(config.eventProfile()).isEqualTo(new EventProfile.Custom("audit"));
        assertThat(config.skipTags()).containsExactly(new Tag("slow"));
        assertThat(config.ioMode()).isEqualTo(IoMode.LIVE);
    }

    @Test
    void defaultsAreParallelByFourWithoutRetries() {
        RunConfig config = Specs.valid("op: x\nsteps: [{id: a, run: echo}]\n", "x.yaml")
                .spec()
                .toRunConfig();
        assertThat(config.executionMode()).isEqualTo(new ExecutionMode.FanOutJoin(4));
        assertThat(config.retryPolicy()).isEqualTo(RetryPolicy.noRetries());
        assertThat(config.eventProfile()).isEqualTo(new EventProfile.Normal());
        assertThat(config.skipTags()).isEmpty();
    }

    @Test
    void aDryRunSkipsSideEffectsAndSkipTagsAreSorted() {
        PipelineSpec spec = Specs.valid(
                        "op: x\nsettings: {mode: sequential, skip_tags: [slow, compute]}\n"
                                + "steps: [{id: a, run: echo, tags: [slow, compute]}]\n",
                        "x.yaml")
                .spec();
        assertThat(spec.toRunConfig().executionMode()).isEqualTo(new ExecutionMode.Sequential());
        assertThat(spec.toRunConfig().skipTags()).containsExactly(new Tag("compute"), new Tag("slow"));
        assertThat(spec.withDryRun(true).toRunConfig().skipTags())
                .containsExactly(new Tag("apply_side_effect"), new Tag("compute"), new Tag("slow"));
    }

    @Test
    void aCommandStepCarriesEveryCellSetting() {
        CompiledStep fetch = kitchenSink().step("fetch").orElseThrow();
        CommandStep command = fetch.command().orElseThrow();
        assertThat(command.run())
                .isEqualTo(new Run.Argv(List.of("sh", "-c", "echo fetching stable", "--", "1", "true")));
        assertThat(command.cell()).isEqualTo(CellProfile.PROCESS);
        assertThat(command.network()).isEqualTo(NetworkGrant.allow("pypi.org:443", "[::1]:8080"));
        assertThat(command.limits()).isEqualTo(new ResourceLimits(2L << 30, 256, 600L, 1024));
        assertThat(command.timeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(command.outputs()).containsExactly("data/**");
        assertThat(command.cache()).isTrue();
        assertThat(command.workdir()).isEqualTo(".");
        assertThat(fetch.retry())
                .isEqualTo(new RetryPolicy(
                        3, new BackoffPolicy.Exponential(Duration.ofSeconds(2), Duration.ofSeconds(30))));
        assertThat(fetch.meta().sideEffects()).isEqualTo(SideEffectKind.READ_ONLY_IO);
        assertThat(fetch.meta().tags()).containsExactly(new Tag("fetch_data"), new Tag("slow"));

        CompiledStep build = kitchenSink().step("build").orElseThrow();
        assertThat(build.command().orElseThrow().run())
                .isEqualTo(new Run.Script("/bin/bash", "set -euo pipefail\nmake -C src BUILD=false\n"));
        assertThat(build.command().orElseThrow().workdir()).isEqualTo("src");
        assertThat(build.command().orElseThrow().env())
                .containsExactly(Map.entry("JOBS", "4"), Map.entry("VERBOSE", "false"));
        assertThat(build.env())
                .containsEntry("CHANNEL", "stable")
                .containsEntry("LC_ALL", "C")
                .containsEntry("JOBS", "4");
        assertThat(build.continues()).contains("fetch");
        assertThat(build.secrets())
                .containsExactly(
                        SecretRef.env("NPM_TOKEN"),
                        new SecretRef("DEPLOY_KEY", new SecretDelivery.File("deploy_key")),
                        new SecretRef("SIGNING_PASS", new SecretDelivery.Env("GPG_PASSPHRASE")));
    }

    @Test
    void sideEffectsAreNeverCachedAndCarryTheirTagAndKey() {
        CompiledStep publish = kitchenSink().step("publish").orElseThrow();
        assertThat(publish.command()).isEmpty();
        assertThat(publish.capability()).isEqualTo("/examples/publish/v1");
        assertThat(publish.cache()).isFalse();
        assertThat(publish.meta().tags()).containsExactly(new Tag("apply_side_effect"));
        assertThat(publish.meta().idempotency()).isEqualTo(new Idempotency.Key("publish-stable"));
        assertThat(publish.retry()).isEqualTo(new RetryPolicy(2, new BackoffPolicy.Fixed(Duration.ofMillis(500))));
        assertThat(publish.timeout()).isEqualTo(Duration.ofMinutes(90));

        PipelineSpec implicit = Specs.valid(
                        "op: x\nsteps: [{id: a, run: echo, side_effect: apply_side_effect}]\n", "x.yaml")
                .spec();
        assertThat(implicit.steps().getFirst().cache()).isFalse();
        assertThat(implicit.steps().getFirst().toCommandStep(ParamValues.NONE).cache())
                .isFalse();
    }

    @Test
    void aStepWithRegionsRoutesOncePerRegion() {
        CompiledStep publish = kitchenSink().step("publish").orElseThrow();
        assertThat(publish.regions()).containsExactly("eu-west-1", "us-east-1");
        assertThat(publish.routingLabels(Optional.of("eu-west-1"))).containsExactly(Map.entry("region", "eu-west-1"));
        CompiledStep build = kitchenSink().step("build").orElseThrow();
        assertThat(build.routingLabels(Optional.empty()))
                .containsExactly(Map.entry("arch", "x86_64"), Map.entry("channel", "stable-build"));
    }

    @Test
    void theExportSectionIsSubstituted() {
        ExportSpec export = kitchenSink().export();
        assertThat(export.targets())
                .containsExactly(
                        Map.entry("local", new ExportTarget.Directory("out/releases")),
                        Map.entry(
                                "uploads",
                                new ExportTarget.HttpPut(
                                        "https://uploads.example.com/stable/", Optional.of("UPLOAD_TOKEN"))));
        assertThat(export.artifacts()).hasSize(3);
        assertThat(export.artifacts().get(2).target()).isEmpty();
    }

    @Test
    void onlyCommandStepsHaveACommand() {
        StepSpec publish = kitchenSink().spec().step("publish").orElseThrow();
        assertThatThrownBy(() -> publish.toCommandStep(ParamValues.NONE))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("not a command step");
    }

    @Test
    void theConstructorRefusesGraphsThatAreNotDags() {
        StepSpec a = StepSpec.command("a", new Run.Script("x")).needs("b").build();
        StepSpec b = StepSpec.command("b", new Run.Script("x")).needs("a").build();
        assertThatThrownBy(() -> PipelineSpec.builder("x").step(a).step(b).build())
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).errors())
                        .extracting(err -> err.code().code() + " " + err.path() + " " + err.line() + ":" + err.column())
                        .containsExactly("dependency_cycle /steps/0/needs/0 0:0"));
        assertThatThrownBy(() -> PipelineSpec.builder("x").step(a).build())
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("`needs` names step `b`, which does not exist");
    }

    @Test
    void codeBuiltSpecsGetTheReadersRules() {
        StepSpec a = StepSpec.command("a", new Run.Script("x")).build();
        StepSpec b = StepSpec.command("b", new Run.Script("x"))
                .input(new InputSpec.FromStep("a", "**", "."))
                .build();
        assertThatThrownBy(() -> PipelineSpec.builder("x").step(a).step(b).build())
                .isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).errors())
                        .extracting(err -> err.code().code() + " " + err.path())
                        .containsExactly("not_upstream /steps/1/inputs/0/step"));
        assertThat(SpecDocument.of(PipelineSpec.builder("y").step(a).build())
                        .bind(Map.of())
                        .steps())
                .hasSize(1);
    }
}
