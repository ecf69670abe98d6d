package dev.cairn.machine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.Canonical;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Snapshots#store(ContextState, Map)} re-encodes only the members an attempt wrote: these
 * tests hold it to the snapshot, id and refusal of storing the whole context.
 */
class SnapshotsTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] KEYS = {
        "a", "b", "step:x", "step:y", "Zeta", "é", "\uD83D\uDE00", "a\u0000", "name", "key", "value", "token", "ab"
    };

    @Test
    void writesOnTopOfAStoredContextGiveTheWholeContextsSnapshot() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        Snapshots incremental = new Snapshots(store);
        for (int round = 0; round < 200; round++) {
            ContextState state = incremental.store(randomEntries(random));
            for (int step = 0; step < 10; step++) {
                Map<String, JsonNode> diff = new HashMap<>();
                int writes = random.nextInt(4);
                for (int w = 0; w < writes; w++) {
                    String key = KEYS[random.nextInt(KEYS.length)];
                    diff.put(key, random.nextInt(5) == 0 ? null : randomValue(random, 2));
                }
                Map<String, JsonNode> whole = state.apply(diff);
                ContextState expected;
                try {
                    expected = new Snapshots(new InMemoryArtifactStore()).store(whole);
                } catch (Snapshots.Refused refused) {
                    ContextState base = state;
                    assertThatThrownBy(() -> incremental.store(base, diff))
                            .isInstanceOfSatisfying(Snapshots.Refused.class, r -> {
                                assertThat(r.code).isEqualTo(refused.code);
                                assertThat(r.pointers).isEqualTo(refused.pointers);
                            });
                    continue;
                }
                ContextState next = incremental.store(state, diff);
                assertThat(next.id()).isEqualTo(expected.id());
                assertThat(next.entries()).isEqualTo(whole);
                assertThat(store.get(next.id())).isEqualTo(Canonical.canonicalize(ContextState.toObject(whole)));
                state = next;
            }
        }
    }

    @Test
    void aSecretNamedByAnUnchangedMemberIsFoundWhenItsValueIsWritten() {
        Snapshots snapshots = new Snapshots(new InMemoryArtifactStore());
        ContextState base = snapshots.store(Map.of("name", F.textNode("db_password")));
        assertThatThrownBy(() -> snapshots.store(base, Map.of("value", F.textNode("hunter2-hunter2"))))
                .isInstanceOfSatisfying(
                        Snapshots.Refused.class, r -> assertThat(r.pointers).containsExactly("/value"));
    }

    private static Map<String, JsonNode> randomEntries(Random random) {
        Map<String, JsonNode> entries = new HashMap<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            entries.put(KEYS[random.nextInt(KEYS.length)], randomValue(random, 2));
        }
        // a context that holds a secret is not a base an attempt writes on
        try {
            new Snapshots(new InMemoryArtifactStore()).store(entries);
            return entries;
        } catch (Snapshots.Refused r) {
            return Map.of();
        }
    }

    private static JsonNode randomValue(Random random, int depth) {
        switch (random.nextInt(depth > 0 ? 8 : 5)) {
            case 0:
                return F.numberNode(random.nextInt(1000) - 500);
            case 1:
                return F.numberNode(random.nextDouble() * 1e6);
            case 2:
                return F.booleanNode(random.nextBoolean());
            case 3:
                return F.nullNode();
            case 4:
                return F.textNode(randomText(random));
            case 5: {
                var array = F.arrayNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    array.add(randomValue(random, depth - 1));
                }
                return array;
            }
            default: {
                ObjectNode object = F.objectNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    object.set(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth - 1));
                }
                return object;
            }
        }
    }

    private static String randomText(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "hunter2-hunter2";
            case 1 -> "ghp_" + "a".repeat(36);
            case 2 -> "<redacted>";
            case 3 -> "caf\u00e9 \u2028";
            default -> Integer.toString(random.nextInt(100));
        };
    }
}
