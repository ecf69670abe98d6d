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
 * their ratios (with the goal a ratio is judged against when it has one), the absolute goals
 * figures are judged against, and {@code notes} saying what a workload could not measure here and why
 * (e.g. a server that is not installed).
 */
public record BenchReport(
        String workload,
        Environment environment,
        Settings settings,
        List<Input> inputs,
        List<Figure> figures,
        List<Figure> baselines,
        List<Ratio> ratios,
        List<Goal> goals,
        List<String> notes) {

    public BenchReport {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(settings, "settings");
        inputs = List.copyOf(inputs);
        figures = List.copyOf(figures);
        baselines = List.copyOf(baselines);
        ratios = List.copyOf(ratios);
        goals = List.copyOf(goals);
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
            List<Ratio> ratios,
            List<Goal> goals) {
        this(workload, environment, settings, inputs, figures, baselines, ratios, goals, List.of());
    }

    /** A report without absolute goals or notes. */
    public BenchReport(
            String workload,
            Environment environment,
            Settings settings,
            List<Input> inputs,
            List<Figure> figures,
            List<Figure> baselines,
            List<Ratio> ratios) {
        this(workload, environment, settings, inputs, figures, baselines, ratios, List.of(), List.of());
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

    /**
     * A measured input: how many items (documents, runs, states, events), and their total canonical
     * size in bytes when that is what the figures are per.
     */
    public record Input(String name, long count, Optional<Long> canonicalBytes) {

        /** An input of {@code count} items whose size does not matter to the figures. */
        public static Input count(String name, long count) {
            return new Input(name, count, Optional.empty());
        }

        /** {@code count} documents of {@code canonicalBytes} canonical bytes in all. */
        public static Input documents(String name, long count, long canonicalBytes) {
            return new Input(name, count, Optional.of(canonicalBytes));
        }
    }

    /**
     * A figure (a throughput, a latency, a size): median, min and max over the recorded rounds, to 4
     * significant digits.
     */
    public record Figure(String name, String unit, double median, double min, double max, int rounds) {
        public Figure {
            median = round(median);
            min = round(min);
            max = round(max);
        }

        /** The figure of one value per recorded round. */
        public static Figure of(String name, String unit, double[] perRound) {
            if (perRound.length == 0) {
                throw new IllegalArgumentException("no rounds for " + name);
            }
            double[] sorted = perRound.clone();
            java.util.Arrays.sort(sorted);
            return new Figure(name, unit, Harness.median(sorted), sorted[0], sorted[sorted.length - 1], sorted.length);
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

        /**
         * The ratio of two figures' medians that must stay at {@code goal} or below to be met (e.g. a
         * latency over the fsync latency it is bounded by, goal "at most 5x").
         */
        public static Ratio atMost(String name, Figure numerator, Figure denominator, double goal) {
            double value = numerator.median() / denominator.median();
            return new Ratio(
                    name, numerator.name(), denominator.name(), value, Optional.of(goal), Optional.of(value <= goal));
        }
    }

    /**
     * An absolute goal for a figure's median: {@code at_least} (a throughput) or {@code at_most} (a
     * latency) {@code target}. {@code ratio} is how far the figure is from the goal, oriented so that
     * 1 or more means met: {@code value / target} for {@code at_least}, {@code target / value} for
     * {@code at_most}.
     */
    public record Goal(
            String name,
            String figure,
            String comparison,
            double target,
            String unit,
            double value,
            double ratio,
            boolean met) {
        public Goal {
            value = round(value);
            ratio = round(ratio);
        }

        /** The goal that {@code figure}'s median reaches {@code target} or more. */
        public static Goal atLeast(String name, Figure figure, double target) {
            double value = figure.median();
            return new Goal(
                    name, figure.name(), "at_least", target, figure.unit(), value, value / target, value >= target);
        }

        /** The goal that {@code figure}'s median stays at {@code target} or below. */
        public static Goal atMost(String name, Figure figure, double target) {
            double value = figure.median();
            return new Goal(
                    name, figure.name(), "at_most", target, figure.unit(), value, target / value, value <= target);
        }
    }

    static double round(double x) {
        if (!Double.isFinite(x) || x == 0) {
            return x;
        }
        return new BigDecimal(x).round(new MathContext(4)).doubleValue();
    }
}
