package dev.cairn.orchestrator.spec;

import java.util.Objects;

/**
 * Something a step's workspace starts with, placed at {@link #to()} (a path relative to the
 * workspace root). Strings may hold param references until the pipeline is bound.
 */
public sealed interface InputSpec {

    /** Where the input is placed in the workspace. */
    String to();

    /**
     * A file or directory on the submitting machine, relative to the spec file's directory ({@code
     * ..} allowed), copied (content-addressed) into the workspace. A directory's contents go under
     * {@code to}; a file becomes {@code to}. In a spec: {@code {path: hello-c, to: src}}; {@code to}
     * defaults to {@code path} when {@code path} stays below the spec's directory.
     *
     * @param path the local path
     * @param to where it goes in the workspace
     */
    record Local(String path, String to) implements InputSpec {
        public Local {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(to, "to");
        }
    }

    /**
     * Files an upstream step captured with its {@code outputs} globs, at their workspace-relative
     * paths under {@code to}. In a spec: {@code {step: compile, files: "build/**", to: .}}.
     *
     * @param step the producing step; it must run before this one (through {@code needs})
     * @param files which of its outputs (a glob over their paths); default {@value #ALL}
     * @param to the directory they go under; default {@code .}
     */
    record FromStep(String step, String files, String to) implements InputSpec {

        /** Every output of the step. */
        public static final String ALL = "**";

        public FromStep {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(files, "files");
            Objects.requireNonNull(to, "to");
        }
    }

    /**
     * Content already in the artifact store, by id: a blob becomes the file {@code to}, a tree (a
     * workspace snapshot) the directory {@code to}. In a spec: {@code {artifact: 9f86d0..., to:
     * data/input.csv}}.
     *
     * @param artifact the artifact id (64 lowercase hex characters once params are substituted)
     * @param to where it goes
     */
    record Artifact(String artifact, String to) implements InputSpec {
        public Artifact {
            Objects.requireNonNull(artifact, "artifact");
            Objects.requireNonNull(to, "to");
        }
    }
}
