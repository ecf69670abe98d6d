package dev.cairn.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.CodedError;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tree format: its wire form, its id, its rules. */
class TreeModelTest {

    /** Computed independently (Python's json + hashlib) from golden/WorkspaceTree/sample.json. */
    static final String GOLDEN_ID = "a846cc5e3f4fb2afddb00c1e31248535a25a427cb0c2990d6d51d7bfeb0f38ca";

    static final String EMPTY_TREE_ID = "a6a20076da005b27c9afc3a5d5b2457798c0ac817d1abc38b2fee4398ac3f133";

    static final ArtifactId HELLO = new ArtifactId(ArtifactIds.ofBytes("hello\n".getBytes(StandardCharsets.UTF_8)));
    static final ArtifactId EMPTY = new ArtifactId(ArtifactIds.ofBytes(new byte[0]));

    static WorkspaceTree golden() {
        return WorkspaceTree.of(List.of(
                new TreeEntry.File("\uD83D\uDE00", FileMode.REGULAR, 6, HELLO),
                new TreeEntry.File("\uFFFD.txt", FileMode.REGULAR, 6, HELLO),
                new TreeEntry.Directory("src", new TreeId(EMPTY_TREE_ID)),
                new TreeEntry.File("run.sh", FileMode.EXECUTABLE, 0, EMPTY),
                new TreeEntry.Symlink("latest", "../out/v2"),
                new TreeEntry.File("README", FileMode.REGULAR, 6, HELLO)));
    }

    @Test
    void theWireFormAndTheIdMatchTheGoldenFile() throws IOException {
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/WorkspaceTree/sample.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        WorkspaceTree tree = golden();

        assertThat(new ObjectMapper().readTree(Wire.write(tree))).isEqualTo(expected);
        assertThat(tree.id().value()).isEqualTo(GOLDEN_ID);
        assertThat(WorkspaceTree.EMPTY.id().value()).isEqualTo(EMPTY_TREE_ID);
        assertThat(Wire.fromTree(expected, WorkspaceTree.class)).isEqualTo(tree);
    }

    @Test
    void entriesAreSortedByCodePointsNotUtf16Units() {
        // U+FFFD sorts before U+1F600 by code point (and UTF-8 bytes); UTF-16 units say the opposite.
        assertThat("\uD83D\uDE00".compareTo("\uFFFD")).isNegative();
        assertThat(Names.compare("\uD83D\uDE00", "\uFFFD")).isPositive();
        assertThat(golden().entries())
                .extracting(TreeEntry::name)
                .containsExactly("README", "latest", "run.sh", "src", "\uFFFD.txt", "\uD83D\uDE00");
    }

    @Test
    void nameOrderIsUtf8ByteOrderOnRandomStrings() {
        Random random = new Random(Dirs.seed("nameOrderIsUtf8ByteOrderOnRandomStrings"));
        int[] blocks = {0x20, 0x7f, 0xe9, 0x800, 0xd7fc, 0xe000, 0xfffd, 0x10000, 0x1f600, 0x10fff0};
        for (int i = 0; i < 20_000; i++) {
            String a = randomName(random, blocks);
            String b = randomName(random, blocks);
            int expected = Integer.signum(
                    Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
            assertThat(Integer.signum(Names.compare(a, b))).as("%s vs %s", a, b).isEqualTo(expected);
        }
    }

    private static String randomName(Random random, int[] blocks) {
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            int cp = blocks[random.nextInt(blocks.length)] + random.nextInt(3);
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    @Test
    void theTreeWriterIsByteForByteTheCanonicalForm() {
        Random random = new Random(Dirs.seed("theTreeWriterIsByteForByteTheCanonicalForm"));
        String alphabet = "ab\"\\\t\n\r\b\f\u0001\u001f\u007f é日\uFFFD\uD83D\uDE00.-_~";
        for (int round = 0; round < 500; round++) {
            java.util.Map<String, TreeEntry> byName = new java.util.HashMap<>();
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                String name = randomText(random, alphabet, 1 + random.nextInt(6));
                if (name.equals(".") || name.equals("..")) {
                    continue;
                }
                TreeEntry entry =
                        switch (random.nextInt(3)) {
                            case 0 ->
                                new TreeEntry.File(
                                        name,
                                        random.nextBoolean() ? FileMode.REGULAR : FileMode.EXECUTABLE,
                                        random.nextBoolean()
                                                ? random.nextInt(100)
                                                : TreeEntry.MAX_SIZE - random.nextInt(3),
                                        HELLO);
                            case 1 -> new TreeEntry.Directory(name, new TreeId(EMPTY_TREE_ID));
                            default ->
                                new TreeEntry.Symlink(
                                        name,
                                        "x"
                                                + randomText(random, alphabet, random.nextInt(8))
                                                        .replace("/", ""));
                        };
                byName.put(name, entry);
            }
            WorkspaceTree tree = WorkspaceTree.of(List.copyOf(byName.values()));
            assertThat(tree.canonicalBytes())
                    .as("round %d", round)
                    .isEqualTo(dev.cairn.json.Canonical.canonicalize(Wire.toTree(tree)));
        }
    }

    private static String randomText(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            int i = random.nextInt(alphabet.length());
            char c = alphabet.charAt(i);
            if (Character.isHighSurrogate(c)) {
                s.append(c).append(alphabet.charAt(i + 1));
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }

    @Test
    void namesThatCannotNameAFileAreRefused() {
        for (String bad : List.of("", ".", "..", "a/b", "/", "a\0b", "x\uD800", "\uDC00y")) {
            assertThatThrownBy(() -> new TreeEntry.Symlink(bad, "t"))
                    .as("name %s", bad)
                    .isInstanceOfSatisfying(
                            WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("invalid_entry_name"));
        }
        for (String good : List.of("...", ".hidden", "a b", "\\", "\uD83D\uDE00", "é")) {
            assertThat(new TreeEntry.Symlink(good, "t").name()).isEqualTo(good);
        }
    }

    @Test
    void entriesOutOfOrderOrTwiceAreRefused() {
        TreeEntry a = new TreeEntry.Symlink("a", "t");
        TreeEntry b = new TreeEntry.Symlink("b", "t");
        assertThatThrownBy(() -> new WorkspaceTree(1, List.of(b, a)))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("unsorted_tree_entries"));
        assertThatThrownBy(() -> WorkspaceTree.of(List.of(a, new TreeEntry.File("a", FileMode.REGULAR, 0, EMPTY))))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("duplicate_tree_entry"));
    }

    @Test
    void entryRulesAreChecked() {
        assertThatThrownBy(() -> new TreeEntry.File("f", FileMode.REGULAR, -1, EMPTY))
                .hasMessageContaining("size -1");
        assertThatThrownBy(() -> new TreeEntry.File("f", FileMode.REGULAR, TreeEntry.MAX_SIZE + 1, EMPTY))
                .isInstanceOf(WorkspaceException.class);
        for (String target : List.of("", "a//b", "dir/", "a\0")) {
            assertThatThrownBy(() -> new TreeEntry.Symlink("l", target))
                    .as("target %s", target)
                    .isInstanceOfSatisfying(
                            WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("invalid_tree_entry"));
        }
        assertThat(new TreeEntry.Symlink("root", "/").target()).isEqualTo("/");
        assertThatThrownBy(() -> new TreeId("ABC"))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("invalid_tree_id"));
    }

    @Test
    void badWireFormsGetTypedErrors() {
        String file = "{\"kind\":\"file\",\"name\":\"a\",\"mode\":\"regular\",\"size\":1,\"digest\":\"" + HELLO + "\"";
        assertCode("{\"version\":2,\"entries\":[]}", "unsupported_tree_version");
        assertCode("{\"version\":1,\"entries\":[],\"extra\":1}", "unknown_field");
        assertCode("{\"version\":1,\"entries\":[" + file + ",\"uid\":0}]}", "unknown_field");
        assertCode("{\"version\":1,\"entries\":[{\"kind\":\"fifo\",\"name\":\"p\"}]}", "wire_format");
        assertCode("{\"version\":1,\"entries\":[" + file.replace("\"a\"", "\"..\"") + "}]}", "invalid_entry_name");
        assertCode("{\"version\":1,\"entries\":[" + file.replace("regular", "setuid") + "}]}", "wire_format");
        assertCode(
                "{\"version\":1,\"entries\":[" + file.replace("\"a\"", "\"b\"") + "}," + file + "}]}",
                "unsorted_tree_entries");
    }

    private static void assertCode(String json, String code) {
        assertThatThrownBy(() -> Wire.read(json, WorkspaceTree.class))
                .as(json)
                .isInstanceOfSatisfying(RuntimeException.class, e -> assertThat(((CodedError) e).code())
                        .isEqualTo(code));
    }

    @Test
    void aStoredTreeMustBeCanonical() {
        InMemoryArtifactStore store = new InMemoryArtifactStore();
        TreeStore trees = new TreeStore(store);
        WorkspaceTree tree = golden();
        TreeId id = trees.write(tree);

        assertThat(id.value()).isEqualTo(GOLDEN_ID);
        assertThat(trees.read(id)).isEqualTo(tree);

        byte[] pretty = Wire.toTree(tree).toPrettyString().getBytes(StandardCharsets.UTF_8);
        TreeId prettyId = TreeId.of(store.put(TreeStore.KIND, pretty));
        assertThatThrownBy(() -> trees.read(prettyId)).isInstanceOfSatisfying(WorkspaceException.class, e -> {
            assertThat(e.code()).isEqualTo("corrupt_tree");
            assertThat(e.getMessage()).contains("not the tree's canonical JSON");
        });
        TreeId notATree = TreeId.of(store.put(TreeStore.KIND, "[1,2]".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> trees.read(notATree))
                .isInstanceOfSatisfying(
                        WorkspaceException.class, e -> assertThat(e.code()).isEqualTo("corrupt_tree"));
    }

    @Test
    void findLocatesEntriesByName() {
        WorkspaceTree tree = golden();
        assertThat(tree.find("src")).containsInstanceOf(TreeEntry.Directory.class);
        assertThat(tree.find("\uD83D\uDE00")).isPresent();
        assertThat(tree.find("nope")).isEmpty();
        List<String> names = new ArrayList<>();
        tree.entries().forEach(e -> names.add(tree.find(e.name()).orElseThrow().name()));
        assertThat(names)
                .containsExactlyElementsOf(
                        tree.entries().stream().map(TreeEntry::name).toList());
    }

    @Test
    void fileModesFollowTheOwnersExecuteBit() {
        assertThat(FileMode.ofPosix(0100644)).isEqualTo(FileMode.REGULAR);
        assertThat(FileMode.ofPosix(0100744)).isEqualTo(FileMode.EXECUTABLE);
        assertThat(FileMode.ofPosix(0100655)).isEqualTo(FileMode.REGULAR); // group/other x do not count
        assertThat(Wire.write(FileMode.EXECUTABLE)).isEqualTo("\"executable\"");
    }
}
