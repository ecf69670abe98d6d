package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Planner#pipeline} keeps the specs it read and the plans it made: a pipeline submitted again
 * gets the plan a fresh planner makes of it, and only when its spec (to the order of its keys and the
 * type of its numbers), its params and its dry run are the same; errors stay the same.
 */
class PlannerCacheTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SPEC =
            """
            {"op": "greet",
             "params": {"name": {"default": "world"}, "times": {"type": "number", "default": 1}},
             "steps": [
               {"id": "a", "run": "echo hello ${{ params.name }}"},
               {"id": "b", "needs": ["a"], "run": "echo ${{ params.times }}", "timeout": "10s"}]}
            """;

    private static JsonNode spec() throws Exception {
        return JSON.readTree(SPEC);
    }

    private static PipelineRunRequest request(JsonNode spec, Map<String, String> params, boolean dryRun) {
        return new PipelineRunRequest(spec, new TreeMap<>(params), dryRun, Optional.empty());
    }

    private static Planner planner() {
        return new Planner(new InMemoryArtifactStore());
    }

    @Test
    void aPipelineSubmittedAgainGetsThePlanAFreshPlannerMakes() throws Exception {
        Planner planner = planner();
        Planner.Planned first = planner.pipeline(request(spec(), Map.of("name", "Ada"), false));
        Planner.Planned again = planner.pipeline(request(spec(), Map.of("name", "Ada"), false));
        assertThat(again).isSameAs(first);
        Planner.Planned fresh = planner().pipeline(request(spec(), Map.of("name", "Ada"), false));
        assertThat(fresh).isNotSameAs(first);
        assertThat(again.manifestId()).isEqualTo(fresh.manifestId());
        assertThat(again.manifestBytes()).isEqualTo(fresh.manifestBytes());
        assertThat(again.spec().orElseThrow()).isEqualTo(fresh.spec().orElseThrow());
        assertThat(again.steps()).isEqualTo(fresh.steps());
    }

    @Test
    void otherParamsOrAnotherDryRunAreAnotherPlanOfTheSameSpec() throws Exception {
        Planner planner = planner();
        Planner.Planned ada = planner.pipeline(request(spec(), Map.of("name", "Ada"), false));
        Planner.Planned bob = planner.pipeline(request(spec(), Map.of("name", "Bob"), false));
        Planner.Planned dry = planner.pipeline(request(spec(), Map.of("name", "Ada"), true));
        assertThat(bob.manifestId()).isNotEqualTo(ada.manifestId());
        assertThat(bob.manifestId())
                .isEqualTo(planner()
                        .pipeline(request(spec(), Map.of("name", "Bob"), false))
                        .manifestId());
        assertThat(dry.manifestId()).isNotEqualTo(ada.manifestId());
        assertThat(dry.spec().orElseThrow()).isNotEqualTo(ada.spec().orElseThrow());
        assertThat(dry.manifestId())
                .isEqualTo(planner()
                        .pipeline(request(spec(), Map.of("name", "Ada"), true))
                        .manifestId());
    }

    @Test
    void aTreeChangedAfterItsSubmissionDoesNotChangeWhatWasKept() throws Exception {
        Planner planner = planner();
        ObjectNode tree = (ObjectNode) spec();
        Planner.Planned before = planner.pipeline(request(tree, Map.of(), false));
        tree.put("op", "changed");
        Planner.Planned changed = planner.pipeline(request(tree, Map.of(), false));
        assertThat(changed.manifest().opId().value()).isEqualTo("changed");
        Planner.Planned original = planner.pipeline(request(spec(), Map.of(), false));
        assertThat(original).isSameAs(before);
        assertThat(original.manifest().opId().value()).isEqualTo("greet");
    }

    @Test
    void theOrderOfKeysAndTheTypeOfNumbersTellSpecsApart() throws Exception {
        JsonNode one = spec();
        JsonNode reordered = JSON.readTree(
                """
                {"steps": [
                   {"id": "a", "run": "echo hello ${{ params.name }}"},
                   {"id": "b", "needs": ["a"], "run": "echo ${{ params.times }}", "timeout": "10s"}],
                 "op": "greet",
                 "params": {"name": {"default": "world"}, "times": {"type": "number", "default": 1}}}
                """);
        JsonNode decimal = JSON.readTree(SPEC.replace("\"default\": 1}", "\"default\": 1.0}"));
        assertThat(reordered).isEqualTo(one); // Jackson's equality ignores the order
        assertThat(TreeKey.of(reordered, 1000)).isNotEqualTo(TreeKey.of(one, 1000));
        assertThat(TreeKey.of(decimal, 1000)).isNotEqualTo(TreeKey.of(one, 1000));
        assertThat(TreeKey.of(spec(), 1000)).isEqualTo(TreeKey.of(one, 1000));
        assertThat(TreeKey.of(one, 1000).orElseThrow().detached())
                .isEqualTo(TreeKey.of(one, 1000).orElseThrow());
        assertThat(TreeKey.of(one, 10)).isEmpty();

        Planner planner = planner();
        Planner.Planned first = planner.pipeline(request(one, Map.of(), false));
        Planner.Planned other = planner.pipeline(request(decimal, Map.of(), false));
        assertThat(other).isNotSameAs(first);
        assertThat(other.manifestId())
                .isEqualTo(planner().pipeline(request(decimal, Map.of(), false)).manifestId());
    }

    @Test
    void errorsAreTheSameWhetherTheSpecWasKeptOrNot() throws Exception {
        Planner planner = planner();
        planner.pipeline(request(spec(), Map.of(), false));
        // a binding error of a kept spec is still reported at its place in the spec's text
        JsonNode tree = spec();
        String kept = invalidSpec(() -> planner.pipeline(request(tree, Map.of("times", "many"), false)));
        String fresh = invalidSpec(() -> planner().pipeline(request(tree, Map.of("times", "many"), false)));
        assertThat(kept).isEqualTo(fresh).contains("\"line\":").doesNotContain("\"line\":1,");
        ObjectNode bad = (ObjectNode) spec();
        bad.put("steps", 5);
        String once = invalidSpec(() -> planner.pipeline(request(bad, Map.of(), false)));
        assertThat(invalidSpec(() -> planner.pipeline(request(bad, Map.of(), false))))
                .isEqualTo(once)
                .contains("\"path\":\"/steps\"");
    }

    private static String invalidSpec(Runnable submit) {
        OrchestratorException[] thrown = new OrchestratorException[1];
        assertThatThrownBy(submit::run).isInstanceOfSatisfying(OrchestratorException.class, e -> thrown[0] = e);
        assertThat(thrown[0].code()).isEqualTo("invalid_spec");
        return thrown[0].details().orElseThrow().toString();
    }
}
