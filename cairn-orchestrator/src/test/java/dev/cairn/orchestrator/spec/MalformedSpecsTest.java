package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A table of malformed specs. Each row gives the document and the exact errors expected, each as
 * {@code line:column code path}; the reader must report exactly those, in that order.
 */
class MalformedSpecsTest {

    /** A valid pipeline's head: {@code op: x}, then one step {@code a} whose fields start on line 5. */
    private static final String HEAD = "op: x\nsteps:\n  - id: a\n    run: echo\n";

    private record Case(String name, String source, byte[] bytes, SpecLimits limits, List<String> expected) {}

    private static final List<Case> CASES = new ArrayList<>();

    private static void bad(String name, String text, String... expected) {
        CASES.add(new Case(
                name,
                name.endsWith(".json") ? name : name + ".yaml",
                text.getBytes(StandardCharsets.UTF_8),
                SpecLimits.DEFAULTS,
                List.of(expected)));
    }

    private static void bad(String name, SpecLimits limits, String text, String... expected) {
        CASES.add(new Case(name, name + ".yaml", text.getBytes(StandardCharsets.UTF_8), limits, List.of(expected)));
    }

    /** A step field added to the valid head, on line 5. */
    private static void step(String name, String fields, String... expected) {
        bad(name, HEAD + fields, expected);
    }

    static {
        // ---- the document as a whole
        bad("empty", "", "1:1 empty_document");
        bad("only_comments", "# nothing here\n\n", "1:1 empty_document");
        bad("two_documents", "op: x\nsteps: [{id: a, run: echo}]\n---\nop: y\n", "3:1 multiple_documents");
        bad("bad_indentation", "op: x\nsteps:\n  - id: a\n   run: echo\n", "4:4 syntax_error /steps/1");
        bad("tab_indentation", "op: x\nsteps:\n\t- id: a\n", "3:1 syntax_error /steps");
        bad("unclosed_flow_list", "op: x\nsteps: [{id: a, run: echo}\n", "3:1 syntax_error /steps/1");
        bad("trailing_comma.json", "{\"op\": \"x\", \"steps\": [],}", "1:25 syntax_error");
        bad("trailing_content.json", "{\"op\": \"x\", \"steps\": []} {}", "1:26 syntax_error");
        bad(
                "too_large",
                SpecLimits.builder().maxBytes(64).build(),
                HEAD + "    description: " + "x".repeat(64) + "\n",
                "1:1 document_too_large");
        bad(
                "too_deep",
                SpecLimits.builder().maxDepth(4).build(),
                HEAD + "    env: {A: [[[1]]]}\n",
                "5:14 too_deep /steps/0/env/A");
        bad("billion_laughs", laughs(), "8:10 too_many_nodes /x-f/0");
        bad(
                "too_many_aliases",
                SpecLimits.builder().maxAliases(2).build(),
                "x-a: &a 1\nop: x\nsteps: [*a, *a, *a]\n",
                "3:17 too_many_nodes /steps/2");
        bad("unknown_alias", "op: x\nsteps: *nope\n", "2:8 unknown_alias /steps");
        bad("recursive_alias", "op: x\nsteps: &s\n  - id: a\n    run: *s\n", "4:10 unknown_alias /steps/0/run");
        bad("duplicate_key", HEAD + "    run: again\n", "5:5 duplicate_key /steps/0/run");
        bad(
                "duplicate_key.json",
                "{\"op\": \"x\", \"op\": \"y\", \"steps\": [{\"id\": \"a\", \"run\": \"x\"}]}",
                "1:13 duplicate_key /op");
        bad("custom_tag", "op: !shout x\nsteps: [{id: a, run: echo}]\n", "1:5 unsupported_yaml /op");
        bad("complex_key", "op: x\n? [a, b]\n: c\nsteps: [{id: a, run: echo}]\n", "2:3 unsupported_yaml");
        bad("infinite_number", HEAD + "    env: {A: .inf}\n", "5:14 invalid_number /steps/0/env/A");
        CASES.add(new Case(
                "not_utf8",
                "not_utf8.yaml",
                new byte[] {'o', 'p', ':', ' ', 'x', '\n', 's', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'},
                SpecLimits.DEFAULTS,
                List.of("2:4 invalid_encoding")));
        bad("root_is_a_list", "- op: x\n", "1:1 wrong_type");
        bad(
                "nul_in_string.json",
                "{\"op\": \"x\", \"steps\": [{\"id\": \"a\", \"run\": \"echo \\u0000\"}]}",
                "1:42 invalid_character /steps/0/run");

        bad(
                "lone_surrogate.json",
                "{\"op\": \"x\", \"steps\": [{\"id\": \"a\", \"run\": \"echo \\ud800\"}]}",
                "1:42 invalid_character /steps/0/run");

        // ---- the top level
        bad("missing_op", "steps: [{id: a, run: echo}]\n", "1:1 missing_field /op");
        bad("unknown_top_field", "op: x\nstpes: []\nsteps: [{id: a, run: echo}]\n", "2:1 unknown_field /stpes");
        bad("op_not_an_id", "op: Build-Test\nsteps: [{id: a, run: echo}]\n", "1:5 invalid_id /op");
        bad("version_is_a_number", "op: x\nversion: 1.10\nsteps: [{id: a, run: echo}]\n", "2:10 wrong_type /version");
        bad("steps_not_a_list", "op: x\nsteps: {id: a}\n", "2:8 wrong_type /steps");
        bad("no_steps", "op: x\nsteps: []\n", "2:8 no_steps /steps");

        // ---- steps
        bad("step_without_id", "op: x\nsteps:\n  - run: echo\n", "3:5 missing_field /steps/0/id");
        bad("step_id_not_an_id", "op: x\nsteps:\n  - id: Build\n    run: echo\n", "3:9 invalid_id /steps/0/id");
        bad("step_without_run", "op: x\nsteps:\n  - id: a\n", "3:5 missing_field /steps/0/run");
        bad("empty_script", "op: x\nsteps:\n  - id: a\n    run: ' '\n", "4:10 invalid_command /steps/0/run");
        bad("empty_argv", "op: x\nsteps:\n  - id: a\n    run: []\n", "4:10 invalid_command /steps/0/run");
        bad(
                "shell_with_argv",
                "op: x\nsteps:\n  - id: a\n    run: [make]\n    shell: /bin/bash\n",
                "5:12 conflicting_fields /steps/0/shell");
        step("unknown_step_field", "    tiemout: 10m\n", "5:5 unknown_field /steps/0/tiemout");
        step("duration_with_space", "    timeout: 10 min\n", "5:14 invalid_duration /steps/0/timeout");
        step("duration_fraction", "    timeout: 1.5h\n", "5:14 invalid_duration /steps/0/timeout");
        step("timeout_too_long", "    timeout: 8d\n", "5:14 out_of_range /steps/0/timeout");
        step("cache_not_boolean", "    cache: yes\n", "5:12 wrong_type /steps/0/cache");
        bad(
                "needs_unknown_step",
                "op: x\nsteps:\n  - id: build\n    run: echo\n  - id: test\n    run: echo\n    needs: [biuld]\n",
                "7:13 unknown_step /steps/1/needs/0");
        bad(
                "needs_listed_twice",
                "op: x\nsteps:\n  - id: b\n    run: echo\n  - id: a\n    run: echo\n    needs: [b, b]\n",
                "7:16 duplicate_value /steps/1/needs/1");
        bad(
                "duplicate_step_id",
                "op: x\nsteps:\n  - id: a\n    run: echo\n  - id: a\n    run: echo\n",
                "5:9 duplicate_step /steps/1/id");
        bad(
                "dependency_cycle",
                "op: x\nsteps:\n  - {id: a, run: x, needs: [c]}\n  - {id: b, run: x, needs: [a]}\n  - {id: c, run: x, needs: [b]}\n",
                "3:29 dependency_cycle /steps/0/needs/0");
        step("self_dependency", "    needs: a\n", "5:12 dependency_cycle /steps/0/needs");
        bad(
                "input_not_upstream",
                "op: x\nsteps:\n  - {id: a, run: x, outputs: [o]}\n  - id: b\n    run: x\n    inputs: [{step: a}]\n",
                "6:21 not_upstream /steps/1/inputs/0/step");
        bad(
                "input_from_step_without_outputs",
                "op: x\nsteps:\n  - {id: a, run: x}\n  - id: b\n    run: x\n    needs: [a]\n    inputs: [{step: a}]\n",
                "7:21 no_outputs /steps/1/inputs/0/step");
        step(
                "input_with_two_sources",
                "    inputs: [{path: src, step: a}]\n",
                "5:14 conflicting_fields /steps/0/inputs/0");
        step("input_without_source", "    inputs: [{to: src}]\n", "5:14 missing_field /steps/0/inputs/0");
        step(
                "artifact_id_not_hex",
                "    inputs: [{artifact: abc123, to: data.csv}]\n",
                "5:25 invalid_artifact_id /steps/0/inputs/0/artifact");
        step(
                "artifact_without_to",
                "    inputs: [{artifact: " + "a".repeat(64) + "}]\n",
                "5:14 missing_field /steps/0/inputs/0/to");
        step(
                "input_to_leaves_workspace",
                "    inputs: [{path: src, to: ../up}]\n",
                "5:30 invalid_path /steps/0/inputs/0/to");
        step(
                "local_path_absolute",
                "    inputs: [{path: /etc/passwd, to: p}]\n",
                "5:21 invalid_path /steps/0/inputs/0/path");
        step("output_glob_unclosed", "    outputs: ['[z']\n", "5:15 invalid_glob /steps/0/outputs/0");
        step("output_glob_absolute", "    outputs: [/tmp/x]\n", "5:15 invalid_glob /steps/0/outputs/0");
        bad(
                "unknown_param",
                "op: x\nparams:\n  name: {default: world}\nsteps:\n  - id: a\n    run: echo ${{ params.nmae }}\n",
                "6:10 unknown_param /steps/0/run");
        bad(
                "unclosed_param_ref",
                "op: x\nparams:\n  name: {default: world}\nsteps:\n  - id: a\n    run: echo ${{ params.name\n",
                "6:10 invalid_param_ref /steps/0/run");
        bad(
                "param_ref_not_allowed",
                "op: x\nparams:\n  t: {default: 1m}\nsteps:\n  - id: a\n    run: echo\n    timeout: ${{ params.t }}\n",
                "7:14 template_not_allowed /steps/0/timeout");
        step("label_key_upper_case", "    labels: {GPU: a100}\n", "5:14 invalid_label /steps/0/labels/GPU");
        step("label_region_reserved", "    labels: {region: eu}\n", "5:14 invalid_label /steps/0/labels/region");
        step("label_value_with_space", "    labels: {gpu: 'a 100'}\n", "5:19 invalid_label /steps/0/labels/gpu");
        step("region_upper_case", "    regions: [eu-west-1, EU]\n", "5:26 invalid_region /steps/0/regions/1");
        step("regions_empty", "    regions: []\n", "5:14 invalid_value /steps/0/regions");
        step("secret_name_with_dash", "    secrets: [db-password]\n", "5:15 invalid_secret_name /steps/0/secrets/0");
        step(
                "secret_as_reserved_env",
                "    secrets: [{name: TOKEN, env: CAIRN_TOKEN}]\n",
                "5:34 invalid_env /steps/0/secrets/0/env");
        step(
                "secret_env_collides_with_env",
                "    env: {DEPLOY_KEY_ID: x}\n    secrets: [DEPLOY_KEY_ID]\n",
                "6:15 conflicting_fields /steps/0/secrets/0");
        step("env_name_with_dash", "    env: {my-var: x}\n", "5:11 invalid_env /steps/0/env/my-var");
        step(
                "inline_secret_in_env",
                "    env: {GH: ghp_0123456789abcdefghijklmnopqrstuvwxyz01}\n",
                "5:15 inline_secret /steps/0/env/GH");
        step(
                "side_effect_misspelt",
                "    side_effect: apply_side_effects\n",
                "5:18 invalid_value /steps/0/side_effect");
        step(
                "side_effect_cached",
                "    side_effect: apply_side_effect\n    cache: true\n",
                "6:12 conflicting_fields /steps/0/cache");
        step(
                "idempotency_key_without_side_effect",
                "    idempotency_key: k1\n",
                "5:22 conflicting_fields /steps/0/idempotency_key");
        step(
                "apply_side_effect_tag_without_side_effect",
                "    tags: [apply_side_effect]\n",
                "5:12 conflicting_fields /steps/0/tags/0");
        step(
                "memory_size_without_unit_letter_case",
                "    resources: {memory: 512m}\n",
                "5:25 invalid_size /steps/0/resources/memory");
        step(
                "cpu_time_fraction_of_second",
                "    resources: {cpu_time: 1500ms}\n",
                "5:27 out_of_range /steps/0/resources/cpu_time");
        step(
                "network_host_without_port",
                "    network: {allow: [pypi.org]}\n",
                "5:23 invalid_host /steps/0/network/allow/0");
        step("network_any", "    network: any\n", "5:14 invalid_value /steps/0/network");
        step("capability_with_spaces", "    capability: Hello World\n", "5:17 invalid_capability /steps/0/capability");
        bad(
                "run_on_other_capability",
                "op: x\nsteps:\n  - id: a\n    capability: /examples/hello/v1\n    run: echo\n",
                "5:5 conflicting_fields /steps/0/run");
        bad(
                "continues_not_upstream",
                "op: x\nsteps:\n  - {id: a, run: x}\n  - {id: b, run: x, continues: a}\n",
                "4:32 not_upstream /steps/1/continues");
        bad(
                "continues_uncached_step",
                "op: x\nsteps:\n  - {id: a, run: x, cache: false}\n  - {id: b, run: x, needs: [a], continues: a}\n",
                "4:44 conflicting_fields /steps/1/continues");

        // ---- params and settings
        bad(
                "param_default_wrong_type",
                "op: x\nparams:\n  shards: {type: number, default: three}\nsteps: [{id: a, run: echo}]\n",
                "3:35 invalid_value /params/shards/default");
        bad(
                "param_required_with_default",
                "op: x\nparams:\n  n: {default: 1, required: true}\nsteps: [{id: a, run: echo}]\n",
                "3:29 conflicting_fields /params/n/required");
        bad(
                "param_named_like_a_secret",
                "op: x\nparams:\n  db_password: {default: x}\nsteps: [{id: a, run: echo}]\n",
                "3:3 secret_in_param /params/db_password");
        bad(
                "skip_unknown_tag",
                "op: x\nsettings: {skip_tags: [deplyo]}\nsteps: [{id: a, run: echo, tags: [deploy]}]\n",
                "2:24 unknown_tag /settings/skip_tags/0");
        bad(
                "sequential_with_concurrency",
                "op: x\nsettings: {mode: sequential, max_concurrency: 2}\nsteps: [{id: a, run: echo}]\n",
                "2:47 conflicting_fields /settings/max_concurrency");
        bad(
                "concurrency_zero",
                "op: x\nsettings: {max_concurrency: 0}\nsteps: [{id: a, run: echo}]\n",
                "2:29 out_of_range /settings/max_concurrency");
        bad(
                "retry_without_attempts",
                "op: x\nsettings: {retry: {delay: 1s}}\nsteps: [{id: a, run: echo}]\n",
                "2:19 missing_field /settings/retry/attempts");
        step(
                "retry_fixed_with_max_delay",
                "    retry: {attempts: 3, backoff: fixed, max_delay: 1m}\n",
                "5:53 conflicting_fields /steps/0/retry/max_delay");
        step(
                "retry_max_delay_below_delay",
                "    retry: {attempts: 3, delay: 10s, max_delay: 1s}\n",
                "5:49 out_of_range /steps/0/retry/max_delay");

        // ---- export
        bad(
                "export_unknown_target",
                HEAD
                        + "    outputs: [out.txt]\nexport:\n  targets: {releases: {dir: out}}\n  artifacts: [{name: o, step: a, path: out.txt, target: release}]\n",
                "8:57 unknown_target /export/artifacts/0/target");
        bad(
                "export_not_an_output",
                HEAD + "    outputs: ['dist/*.tgz']\nexport:\n  artifacts: [{name: o, step: a, path: dist/o.zip}]\n",
                "7:40 not_an_output /export/artifacts/0/path");
        bad(
                "export_target_dir_and_url",
                HEAD + "export:\n  targets: {up: {dir: out, url: 'https://example.com/'}}\n",
                "6:17 conflicting_fields /export/targets/up");
        bad(
                "export_url_not_http",
                HEAD + "export:\n  targets: {up: {url: 'ftp://example.com/'}}\n",
                "6:23 invalid_url /export/targets/up/url");
    }

    private static String laughs() {
        StringBuilder y = new StringBuilder("op: x\nsteps: [{id: a, run: echo}]\n");
        y.append("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        String previous = "a";
        for (String name : List.of("b", "c", "d", "e", "f", "g", "h", "i")) {
            y.append("x-").append(name).append(": &").append(name).append(" [");
            for (int i = 0; i < 9; i++) {
                y.append(i == 0 ? "" : ", ").append('*').append(previous);
            }
            y.append("]\n");
            previous = name;
        }
        return y.toString();
    }

    @Test
    void theTableHasAtLeastFortyRows() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(40);
        assertThat(CASES.stream().map(Case::name).distinct()).hasSize(CASES.size());
    }

    @TestFactory
    Stream<DynamicTest> eachMalformedSpecGetsExactlyItsErrors() {
        return CASES.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    SpecResult<SpecDocument> result = new SpecParser(c.limits()).read(c.bytes(), c.source());
                    assertThat(result.isValid()).as("valid").isFalse();
                    List<String> actual = result.errors().stream()
                            .map(MalformedSpecsTest::show)
                            .toList();
                    assertThat(actual).as(c.name()).containsExactlyElementsOf(c.expected());
                    for (SpecError error : result.errors()) {
                        assertThat(error.line()).isPositive();
                        assertThat(error.column()).isPositive();
                        assertThat(error.message()).isNotBlank();
                        assertThat(error.hint()).isNotBlank();
                    }
                }));
    }

    static String show(SpecError error) {
        return error.line() + ":" + error.column() + " " + error.code().code()
                + (error.path().isEmpty() ? "" : " " + error.path());
    }
}
