package dev.cairn.executor.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** The Java values of the golden files under {@code golden/}. */
final class Values {

    private Values() {}

    static final UUID RUN = UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");
    static final UUID STEP = UUID.fromString("5f0e1c2a-7d4b-4e8f-9a1b-2c3d4e5f6a7b");
    static final ArchiveId ARCHIVE = new ArchiveId(UUID.fromString("9b2f6c1e-3a4d-4b5c-8d7e-6f5a4b3c2d1e"));
    static final SnapshotRef TAG =
            new SnapshotRef("sha256:4f2a9c0e1b7d3a6f5e8c2b1a0d9f7e6c5b4a39281706f5e4d3c2b1a0f9e8d7c6");
    static final SnapshotRef PARENT =
            new SnapshotRef("sha256:00aa11bb22cc33dd44ee55ff66778899aabbccddeeff00112233445566778899");

    static final CommandStep STEP_ARGV = CommandStep.argv("make", "-C", "app", "test")
            .cell(CellProfile.SANDBOX)
            .network(NetworkGrant.none())
            .env("LANG", "C.UTF-8")
            .env("CI", "1")
            .workdir("app")
            .timeout(Duration.ofMinutes(10))
            .cache(true)
            .output("app/dist/**")
            .output("app/report.{html,xml}")
            .limits(new ResourceLimits(2L * 1024 * 1024 * 1024, 512, 1200L, 1024))
            .build();

    static final CommandStep STEP_SCRIPT = CommandStep.builder(new Run.Script("/bin/bash", "npm ci\nnpm run build\n"))
            .cell(CellProfile.PROCESS)
            .network(NetworkGrant.allow("registry.npmjs.org:443", "[::1]:8080"))
            .cache(false)
            .build();

    static final ExecutorInput INPUT = new ExecutorInput(
            STEP_ARGV,
            ARCHIVE,
            new TreeMap<>(Map.of("PATH", "/usr/bin:/bin", "CI", "1", "HOME", "/workspace", "LANG", "C.UTF-8")),
            "app",
            RUN,
            STEP,
            new CacheDecision.MissBuildAs(TAG),
            Optional.empty());

    static final ExecutorInput INPUT_CHAINED = new ExecutorInput(
            STEP_ARGV, ARCHIVE, INPUT.env(), "app", RUN, STEP, new CacheDecision.Hit(TAG), Optional.of(PARENT));

    static final ArtifactRef REPORT =
            new ArtifactRef("runs/" + RUN + "/report.html", "text/html; charset=utf-8", 20_480);

    static final StepResult BUILT = new StepResult(
            0,
            Optional.of(TAG),
            List.of(REPORT, new ArtifactRef("runs/" + RUN + "/app.tar.gz", "application/gzip", 1_048_576)));

    static final StepResult FAILED = new StepResult(2, Optional.empty(), List.of());

    static final CommandTask TASK_HIT = new CommandTask(
            RUN.toString(),
            "test@eu",
            CommandStep.argv("make", "test").build(),
            List.of(new InputFile(
                    "src/main.c", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", false)),
            new CacheDecision.Hit(
                    new SnapshotRef("cache:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")),
            Optional.of("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            Optional.of(new CachedResult(
                    new SnapshotRef("tree:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                    new StepResult(0, Optional.empty(), List.of()))),
            Optional.of(new SnapshotRef("tree:00aa11bb22cc33dd44ee55ff66778899aabbccddeeff00112233445566778899")),
            List.of(
                    new SecretMount("deploy-token", new SecretMount.Target.Env("DEPLOY_TOKEN")),
                    new SecretMount("tls.key", new SecretMount.Target.File("tls.key"))));

    static final ArchiveReadResponse LAST_CHUNK =
            new ArchiveReadResponse("hello, workspace\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
}
