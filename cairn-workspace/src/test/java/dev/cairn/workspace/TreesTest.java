package dev.cairn.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.executor.protocol.InputFile;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trees built from the store, their differences, and output selection, without touching a disk. */
class TreesTest {

    final InMemoryArtifactStore store = new InMemoryArtifactStore();
    final Workspaces workspaces = Workspaces.uncollected(store, WorkspaceOptions.defaults());

    ArtifactId blob(String content) {
        return store.put(Workspaces.FILE_KIND, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBuiltTreeHasTheIdASnapshotOfTheSameContentWouldHave() {
        TreeId built = workspaces
                .treeBuilder()
                .file("README", FileMode.REGULAR, 6, blob("hello\n"))
                .file("\uD83D\uDE00", FileMode.REGULAR, 6, blob("hello\n"))
                .file("\uFFFD.txt", FileMode.REGULAR, 6, blob("hello\n"))
                .file("run.sh", FileMode.EXECUTABLE, 0, blob(""))
                .symlink("latest", "../out/v2")
                .directory("src")
                .build();

        assertThat(built.value()).isEqualTo(TreeModelTest.GOLDEN_ID);
        assertThat(store.exists(built.artifactId())).isTrue();
    }

    @Test
    void builderPathsMustBeConsistent() {
        ArtifactId a = blob("a");
        assertThatThrownBy(() -> workspaces
                        .treeBuilder()
                        .file("x", FileMode.REGULAR, 1, a)
                        .file("x/y", FileMode.REGULAR, 1, a))
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> workspaces
                        .treeBuilder()
                        .file("x", FileMode.REGULAR, 1, a)
                        .symlink("x", "t"))
                .hasMessageContaining("given twice");
        for (String bad : List.of("", "/abs", "trailing/", "a//b", "a/../b", "./a")) {
            assertThatThrownBy(() -> workspaces.treeBuilder().file(bad, FileMode.REGULAR, 1, a))
                    .as(bad)
                    .isInstanceOf(WorkspaceException.class);
        }
    }

    @Test
    void inputFilesBecomeATreeWithTheirSizes() {
        ArtifactId tool = blob("#!/bin/sh\necho hi\n");
        ArtifactId data = blob("1,2,3\n");
        TreeId tree = workspaces.inputTree(List.of(
                new InputFile("bin/tool", tool.value(), true), new InputFile("data/in.csv", data.value(), false)));

        assertThat(new TreeDiff(workspaces.trees()).all(tree))
                .extracting(TreeChange::toString)
                .containsExactly("A bin", "A bin/tool", "A data", "A data/in.csv");
        WorkspaceTree bin = workspaces
                .trees()
                .read(((TreeEntry.Directory)
                                workspaces.trees().read(tree).find("bin").orElseThrow())
                        .tree());
        assertThat(bin.entries()).containsExactly(new TreeEntry.File("tool", FileMode.EXECUTABLE, 18, tool));
    }

    @Test
    void diffsFollowTreeOrderAndSkipEqualSubtrees() {
        ArtifactId one = blob("1");
        ArtifactId two = blob("2");
        TreeId from = workspaces
                .treeBuilder()
                .file("same/deep/file", FileMode.REGULAR, 1, one)
                .file("changed", FileMode.REGULAR, 1, one)
                .file("mode", FileMode.REGULAR, 1, one)
                .file("gone/a", FileMode.REGULAR, 1, one)
                .symlink("link", "old")
                .build();
        TreeId to = workspaces
                .treeBuilder()
                .file("same/deep/file", FileMode.REGULAR, 1, one)
                .file("changed", FileMode.REGULAR, 1, two)
                .file("mode", FileMode.EXECUTABLE, 1, one)
                .file("new/b", FileMode.REGULAR, 1, two)
                .symlink("link", "new")
                .build();
        // reading "same" would fail: its subtree is not in this reader
        TreeId same = ((TreeEntry.Directory)
                        workspaces.trees().read(from).find("same").orElseThrow())
                .tree();
        TreeReader noSame = id -> {
            if (id.equals(same)) {
                throw new AssertionError("an equal subtree was read");
            }
            return workspaces.trees().read(id);
        };

        List<TreeChange> changes = new TreeDiff(noSame).between(from, to);

        assertThat(changes)
                .extracting(TreeChange::toString)
                .containsExactly("M changed", "D gone", "D gone/a", "M link", "M mode", "A new", "A new/b");
        assertThat(changes.get(0).kind()).isEqualTo(TreeChange.Kind.MODIFIED);
        assertThat(changes.get(1).kind()).isEqualTo(TreeChange.Kind.REMOVED);
        assertThat(changes.get(5).kind()).isEqualTo(TreeChange.Kind.ADDED);
        assertThat(new TreeDiff(noSame).between(to, to)).isEmpty();
        assertThat(new TreeDiff(noSame).between(to, from))
                .extracting(TreeChange::toString)
                .containsExactly("M changed", "A gone", "A gone/a", "M link", "M mode", "D new", "D new/b");
    }

    @Test
    void outputsAreTheFilesMatchingTheGlobsWithTheirMediaTypes() {
        ArtifactId jar = blob("PK...");
        ArtifactId json = blob("{}");
        TreeId tree = workspaces
                .treeBuilder()
                .file("dist/app.jar", FileMode.REGULAR, 5, jar)
                .file("dist/lib/dep.JAR", FileMode.REGULAR, 5, jar)
                .file("report.json", FileMode.REGULAR, 2, json)
                .file("src/Main.java", FileMode.REGULAR, 2, json)
                .symlink("dist/latest.jar", "app.jar")
                .build();

        List<OutputArtifact> outputs = workspaces.outputs(tree, List.of("dist/**", "*.json"));

        assertThat(outputs)
                .containsExactly(
                        new OutputArtifact("dist/app.jar", jar, "application/java-archive", 5),
                        new OutputArtifact("dist/lib/dep.JAR", jar, "application/java-archive", 5),
                        new OutputArtifact("report.json", json, "application/json", 2));
        assertThat(outputs.get(2).toArtifactRef().key()).isEqualTo("report.json");
        assertThat(workspaces.outputs(tree, List.of())).isEmpty();
        assertThat(MediaTypes.guess("Makefile")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.guess(".bashrc")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.guess("dir.d/file")).isEqualTo(MediaTypes.DEFAULT);
        assertThat(MediaTypes.guess("a.tar.gz")).isEqualTo("application/gzip");
    }

    @Test
    void sizesComeFromTheStoreWhenNotKnownOtherwise() {
        ArtifactId id = blob("twelve bytes");
        assertThat(workspaces.sizeOf(id)).isEqualTo(12);
        assertThat(ArtifactIds.isValid(id.value())).isTrue();
    }
}
