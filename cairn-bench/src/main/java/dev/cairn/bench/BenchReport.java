package dev.cairn.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code cairn bench NAME} prints, as one JSON line (wire form: snake_case fields): the
 * machine, the settings, the inputs, the measured figures, the baselines measured in the same run,
 * and their ratios, with the goal a ratio is judged against when it has one; {@code notes} say what
 * a workload could not measure here and why (e.g. a server that is not installed).
 */
public record BenchReport(
        String workload,
        Environment environment,
        Settings settings,
        List<Input> inputs,
        List<Figure> figures,
        List<Figure> baselines,
        List<Ratio> ratios,
        List<String> notes) {

    public BenchReport {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(settings, "settings");
        inputs = List.copyOf(inputs);
        figures = List.copyOf(figures);
        baselines = List.copyOf(baselines);
        ratios = List.copyOf(ratios);
        notes = List.copyOf(notes);
    }

    /** A report without notes. */
    public BenchReport(
            String workload,
            Environment environment,
            Settings settings,
            List<Input> inputs,
            List<Figure> figures,
            List<Figure> baselines,
            List<Ratio> ratios) {
        this(workload, environment, settings, inputs, figures, baselines, ratios, List.of());
    }

    /** The figure or baseline named {@code name}. */
    public Optional<Figure> figure(String name) {
        return java.util.stream.Stream.concat(figures.stream(), baselines.stream())
                .filter(f -> f.name().equals(name))
                .findFirst();
    }

    /** The machine the figures come from. */
    public record Environment(int cores, String cpu, String jvm, String os, String arch) {

        /** The machine running this JVM. */
        public static Environment current() {
            return new Environment(
                    Runtime.getRuntime().availableProcessors(),
                    cpuModel(),
                    System.getProperty("java.vm.name") + " " + Runtime.version(),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("os.arch"));
        }

        private static String cpuModel() {
            try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                return lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst()
                        .orElse("unknown");
            } catch (Exception e) {
                return "unknown"; // not Linux, or not readable: the figure stays useful without it
            }
        }
    }

    /**
     * The settings in effect ({@code iterations} 0: each round ran for {@code round_ms}) and the
     * clock rounds were timed with ({@code thread_cpu} or {@code wall}, see {@link Harness}).
     */
    public record Settings(int warmupRounds, int rounds, long roundMs, long iterations, String clock) {
        public static Settings of(BenchSettings s, Harness harness) {
            return new Settings(
                    s.warmupRounds(), s.rounds(), s.roundDuration().toMillis(), s.iterations(), harness.clock());
        }
    }

    /** A measured input: how many documents, and their total canonical size in bytes. */
    public record Input(String name, int count, long canonicalBytes) {}

    /** A throughput: median, min and max over the recorded rounds, to 4 significant digits. */
    public record Figure(String name, String unit, double median, double min, double max, int rounds) {
        public Figure {
            median = round(median);
            min = round(min);
            max = round(max);
        }
    }

    /** {@code numerator / denominator} of two medians; {@code met} says whether {@code goal} is reached. */
    public record Ratio(
            String name,
            String numerator,
            String denominator,
            double value,
            Optional<Double> goal,
            Optional<Boolean> met) {
        public Ratio {
            value = round(value);
        }

        /** The ratio of two figures' medians, judged against {@code goal} when present. */
        public static Ratio of(String name, Figure numerator, Figure denominator, Optional<Double> goal) {
            double value = numerator.median() / denominator.median();
            return new Ratio(name, numerator.name(), denominator.name(), value, goal, goal.map(g -> value >= g));
        }
    }

    static double round(double x) {
        if (!Double.isFinite(x) || x == 0) {
            return x;
        }
        return new BigDecimal(x).round(new MathContext(4)).doubleValue();
    }
}
