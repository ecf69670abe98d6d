package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples for real, before the orchestrator exists, with a deliberately small executor
 * that lives only in this test: steps in dependency order, one plain process each in its own
 * workspace, inputs copied in, outputs captured by their globs. It proves that the examples do the
 * work they claim with the tools a fresh machine has, and that the spec carries everything needed
 * to run them (inputs, outputs, env, params).
 */
class ExampleRunTest {

    @TempDir
    Path temp;

    @Test
    void buildAndTestCompilesTestsAndPackages() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed");
        SpecDocument doc = Specs.PARSER.parse(Repo.examples().resolve("build-and-test.yaml"));
        Map<String, Outputs> outputs = run(doc, Map.of("greeting", "Bonjour", "version", "9.9.9"));

        assertThat(outputs.get("compile").files()).containsOnlyKeys("build/hello");
        assertThat(outputs.get("package").files())
                .containsOnlyKeys("dist/hello-9.9.9.tar.gz", "dist/hello-9.9.9.tar.gz.sha256");
        assertThat(outputs.get("cli_tests_1").log()).contains("shard 1/2: 4 case(s), 0 failure(s)");
        assertThat(outputs.get("cli_tests_2").log()).contains("shard 2/2: 4 case(s), 0 failure(s)");
        assertThat(outputs.get("unit_tests").log()).contains("0 failure(s)");
        assertThat(outputs.get("compile").log()).contains("Bonjour, Cairn!");
        String checksum = new String(
                outputs.get("package").files().get("dist/hello-9.9.9.tar.gz.sha256"), StandardCharsets.UTF_8);
        assertThat(checksum).matches("[0-9a-f]{64}  hello-9\\.9\\.9\\.tar\\.gz\\n");
    }

    @Test
    void datasetStatsAgreesWithTheDataSet() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/awk")), "awk is not installed");
        SpecDocument doc = Specs.PARSER.parse(Repo.examples().resolve("dataset-stats.yaml"));
        Map<String, Outputs> outputs = run(doc, Map.of("min_units", "3", "currency", "USD"));

        String report = new String(outputs.get("report").files().get("report/report.md"), StandardCharsets.UTF_8);
        assertThat(report).startsWith("| region | sales | units | revenue (USD) | top product |\n");
        // The same statistics, computed here from the CSV.
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, BigDecimal> revenue = new TreeMap<>();
        List<String> rows = Files.readAllLines(Repo.examples().resolve("data/sales.csv"));
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            long units = Long.parseLong(f[3]);
            if (units < 3) {
                continue;
            }
            counts.computeIfAbsent(f[1], k -> new long[2]);
            counts.get(f[1])[0]++;
            counts.get(f[1])[1] += units;
            revenue.merge(f[1], new BigDecimal(f[4]).multiply(BigDecimal.valueOf(units)), BigDecimal::add);
        }
        long allRows = 0;
        long allUnits = 0;
        BigDecimal all = BigDecimal.ZERO;
        for (String region : counts.keySet()) {
            long[] c = counts.get(region);
            assertThat(report)
                    .contains("| " + region + " | " + c[0] + " | " + c[1] + " | "
                            + revenue.get(region)
                                    .setScale(2, RoundingMode.HALF_EVEN)
                                    .toPlainString() + " | ");
            allRows += c[0];
            allUnits += c[1];
            all = all.add(revenue.get(region));
        }
        assertThat(report)
                .contains("| **all** | " + allRows + " | " + allUnits + " | "
                        + all.setScale(2, RoundingMode.HALF_EVEN).toPlainString() + " | |");
        assertThat(outputs.get("split").files())
                .containsOnlyKeys("parts/east.csv", "parts/north.csv", "parts/south.csv", "parts/west.csv");
    }

    @Test
    void helloGreets() throws Exception {
        SpecDocument doc = Specs.PARSER.parse(Repo.examples().resolve("hello.yaml"));
        assertThat(run(doc, Map.of("name", "Ada")).get("greet").log()).isEqualTo("Hello, Ada!\n");
    }

    /** What a step left: its captured files by workspace path, and what it printed. */
    private record Outputs(Map<String, byte[]> files, String log) {}

    private Map<String, Outputs> run(SpecDocument doc, Map<String, String> params) throws Exception {
        BoundPipeline bound = doc.bind(params);
        Path base = doc.baseDir().orElseThrow();
        Map<String, Outputs> done = new LinkedHashMap<>();
        for (CompiledStep step : order(bound.steps())) {
            Path workspace = Files.createDirectories(temp.resolve(step.id()));
            for (InputSpec input : step.inputs()) {
                switch (input) {
                    case InputSpec.Local local -> copy(base.resolve(local.path()), workspace.resolve(local.to()));
                    case InputSpec.FromStep from -> {
                        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + from.files());
                        for (Map.Entry<String, byte[]> file :
                                done.get(from.step()).files().entrySet()) {
                            if (matcher.matches(Path.of(file.getKey()))) {
                                Path target = workspace
                                        .resolve(from.to())
                                        .resolve(file.getKey())
                                        .normalize();
                                Files.createDirectories(target.getParent());
                                Files.write(target, file.getValue());
                                target.toFile().setExecutable(true);
                            }
                        }
                    }
                    case InputSpec.Artifact artifact -> throw new AssertionError("the examples use no artifact inputs");
                }
            }
            CommandStep command = step.command().orElseThrow();
            List<String> argv =
                    switch (command.run()) {
                        case Run.Argv a -> a.value();
                        case Run.Script s -> List.of(s.shell(), "-c", s.source());
                    };
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .directory(workspace.resolve(command.workdir()).toFile())
                    .redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            pb.environment().putAll(step.env());
            Process process = pb.start();
            String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(command.timeout().toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(step.id() + " timed out:\n" + log);
            }
            assertThat(process.exitValue()).as(step.id() + " failed:\n" + log).isZero();
            done.put(step.id(), new Outputs(capture(workspace, command.outputs()), log));
        }
        return done;
    }

    /** The steps in an order that respects {@code needs} (the spec guarantees there is one). */
    private static List<CompiledStep> order(List<CompiledStep> steps) {
        List<CompiledStep> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (out.size() < steps.size()) {
            for (CompiledStep step : steps) {
                if (!placed.contains(step.id()) && placed.containsAll(step.needs())) {
                    out.add(step);
                    placed.add(step.id());
                }
            }
        }
        return out;
    }

    private static Map<String, byte[]> capture(Path workspace, List<String> globs) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        List<PathMatcher> matchers = globs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
        try (Stream<Path> walk = Files.walk(workspace)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = workspace.relativize(file);
                if (matchers.stream().anyMatch(m -> m.matches(relative))) {
                    files.put(relative.toString(), Files.readAllBytes(file));
                }
            }
        }
        return files;
    }

    private static void copy(Path from, Path to) {
        try {
            if (Files.isDirectory(from)) {
                try (Stream<Path> walk = Files.walk(from)) {
                    for (Path source : walk.toList()) {
                        Path target = to.resolve(from.relativize(source).toString());
                        if (Files.isDirectory(source)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(
                                    source,
                                    target,
                                    StandardCopyOption.COPY_ATTRIBUTES,
                                    StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.createDirectories(to.toAbsolutePath().getParent());
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
