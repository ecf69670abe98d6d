package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid specs at random (deletes, duplicates and retypes nodes in the tree; deletes,
 * repeats, re-indents and corrupts lines of the YAML) and checks that the reader only ever answers
 * with a spec or with typed, positioned errors. The seed is printed; {@code -Dcairn.seed=N} replays it.
 */
class FuzzTest {

    /** Mutations of each kind; {@code -Dcairn.fuzz.rounds=N} runs a longer campaign. */
    private static final int TREE_MUTATIONS = Integer.getInteger("cairn.fuzz.rounds", 600);

    private static final int TEXT_MUTATIONS = TREE_MUTATIONS;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SpecParser parser = new SpecParser();

    @Test
    void mutatedSpecsGetTypedPositionedErrors() throws Exception {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("FuzzTest seed=" + seed + " (replay with -Dcairn.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String> yamls = new ArrayList<>();
        for (Path file : Repo.examplePipelines()) {
            yamls.add(Repo.read(file));
        }
        yamls.add(Specs.resource("kitchen-sink.yaml"));
        List<JsonNode> trees = new ArrayList<>();
        for (String yaml : yamls) {
            trees.add(SpecWriter.toJson(Specs.valid(yaml, "base.yaml").spec()));
        }

        int valid = 0;
        for (int i = 0; i < TREE_MUTATIONS; i++) {
            JsonNode tree = trees.get(random.nextInt(trees.size())).deepCopy();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                tree = mutate(tree, random);
            }
            String text = JSON.writeValueAsString(tree);
            valid += check(text, "fuzz.json", seed, random) ? 1 : 0;
        }
        for (int i = 0; i < TEXT_MUTATIONS; i++) {
            String text = mutateText(yamls.get(random.nextInt(yamls.size())), random);
            valid += check(text, "fuzz.yaml", seed, random) ? 1 : 0;
        }
        // Some mutations keep the spec valid (a deleted description, a duplicated tag...), most do not.
        assertThat(valid).as("seed " + seed).isLessThan(TREE_MUTATIONS + TEXT_MUTATIONS);
    }

    /** Reads {@code text}; true when it is valid. Fails the test on anything but typed, positioned errors. */
    private boolean check(String text, String name, long seed, Random random) {
        SpecResult<SpecDocument> result;
        try {
            result = parser.read(text, name);
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + ": the reader threw on:\n" + text, e);
        }
        for (SpecError error : result.errors()) {
            String where =
                    "seed " + seed + ", " + MalformedSpecsTest.show(error) + " " + error.message() + " in:\n" + text;
            assertThat(error.code()).as(where).isNotEqualTo(SpecCode.INTERNAL_ERROR);
            assertThat(error.line()).as(where).isPositive();
            assertThat(error.column()).as(where).isPositive();
            assertThat(error.path().isEmpty() || error.path().startsWith("/"))
                    .as(where)
                    .isTrue();
            assertThat(error.message()).as(where).isNotBlank();
            assertThat(error.hint()).as(where).isNotBlank();
        }
        assertThat(result.errors()).isSortedAccordingTo(SpecError.BY_POSITION);
        if (!result.isValid()) {
            return false;
        }
        // A valid spec binds, or refuses its params with typed errors.
        SpecDocument doc = result.orThrow();
        Map<String, String> params = new TreeMap<>();
        for (ParamSpec param : doc.spec().params()) {
            if (random.nextBoolean()) {
                params.put(
                        param.name(),
                        List.of("1", "x", "true", "0.5", "../..", "", "a b").get(random.nextInt(7)));
            }
        }
        try {
            SpecResult<BoundPipeline> bound = doc.tryBind(params);
            for (SpecError error : bound.errors()) {
                assertThat(error.code())
                        .as("seed " + seed + ": " + error.message())
                        .isNotEqualTo(SpecCode.INTERNAL_ERROR);
                assertThat(error.line()).isPositive();
            }
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + ": bind threw on:\n" + text + "\nparams " + params, e);
        }
        return true;
    }

    // ------------------------------------------------------------------ tree mutations

    private static JsonNode mutate(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object && !object.isEmpty()) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name, randomValue(random, object.get(name)));
                case 2 -> object.set(typo(name, random), object.get(name).deepCopy());
                default -> object.set(name, object.get(name).deepCopy());
            }
        } else if (target instanceof ArrayNode array && !array.isEmpty()) {
            int index = random.nextInt(array.size());
            switch (random.nextInt(3)) {
                case 0 -> array.remove(index);
                case 1 -> array.set(index, randomValue(random, array.get(index)));
                default -> array.insert(index, array.get(index).deepCopy());
            }
        } else if (target == root) {
            return randomValue(random, root);
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    private static String typo(String name, Random random) {
        if (name.length() < 2) {
            return name + "x";
        }
        int i = random.nextInt(name.length() - 1);
        return name.substring(0, i) + name.charAt(i + 1) + name.charAt(i) + name.substring(i + 2);
    }

    private static JsonNode randomValue(Random random, JsonNode previous) {
        return switch (random.nextInt(18)) {
            case 0 -> NODES.numberNode(42);
            case 1 -> NODES.numberNode(-1);
            case 2 -> NODES.numberNode(1.5);
            case 3 -> NODES.textNode("");
            case 4 -> NODES.textNode("x");
            case 5 -> NODES.textNode("${{ params.nope }}");
            case 6 -> NODES.booleanNode(random.nextBoolean());
            case 7 -> NODES.nullNode();
            case 8 -> NODES.arrayNode();
            case 9 -> NODES.objectNode();
            case 10 -> NODES.arrayNode().add(NODES.arrayNode().add(NODES.objectNode()));
            case 11 -> NODES.objectNode().set("a", NODES.objectNode().put("b", 1));
            case 12 -> NODES.textNode("../../etc/passwd");
            case 13 -> NODES.textNode("ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
            case 14 -> NODES.textNode("x".repeat(1 + random.nextInt(300)));
            case 15 -> NODES.textNode("${{");
            case 16 -> NODES.numberNode(Long.MAX_VALUE);
            default -> previous.isTextual() ? NODES.textNode(previous.textValue() + "_") : NODES.textNode("[z");
        };
    }

    // ------------------------------------------------------------------ text mutations

    private static String mutateText(String yaml, Random random) {
        List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int i = random.nextInt(lines.size());
            String line = lines.get(i);
            switch (random.nextInt(9)) {
                case 0 -> lines.remove(i);
                case 1 -> lines.add(i, line);
                case 2 -> lines.set(i, "  " + line);
                case 3 -> lines.set(i, line.length() > 1 ? line.substring(1) : line);
                case 4 ->
                    lines.set(
                            i,
                            insert(
                                    line,
                                    List.of(":", "- ", "[", "{", "&a ", "*a", "!!", "\"", "\t", "'", "#", "<<: ", "? ")
                                            .get(random.nextInt(13)),
                                    random));
                case 5 -> lines.set(i, line.replaceFirst(":", ""));
                case 6 -> {
                    String joined = String.join("\n", lines);
                    return joined.substring(0, random.nextInt(joined.length() + 1));
                }
                case 7 -> lines.set(i, line + " &x");
                default -> lines.add(i, "x-junk: *nope");
            }
        }
        return String.join("\n", lines);
    }

    private static String insert(String line, String what, Random random) {
        int at = random.nextInt(line.length() + 1);
        return line.substring(0, at) + what + line.substring(at);
    }
}
