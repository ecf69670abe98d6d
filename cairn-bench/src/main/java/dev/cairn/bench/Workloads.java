package dev.cairn.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** The registry of workloads: those registered with {@link ServiceLoader}, sorted by name. */
public final class Workloads {

    private Workloads() {}

    /** Every workload visible to this class's loader. */
    public static List<Workload> all() {
        return all(Workloads.class.getClassLoader());
    }

    /**
     * Every workload visible to {@code loader}.
     *
     * @throws BenchException {@code duplicate_workload} when two share a name
     */
    public static List<Workload> all(ClassLoader loader) {
        List<Workload> found = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Workload w : ServiceLoader.load(Workload.class, loader)) {
            if (!names.add(w.name())) {
                throw BenchException.duplicateWorkload(w.name());
            }
            found.add(w);
        }
        found.sort(Comparator.comparing(Workload::name));
        return List.copyOf(found);
    }

    /**
     * The workload named {@code name}.
     *
     * @throws BenchException {@code unknown_workload}, listing the known names
     */
    public static Workload named(String name) {
        List<Workload> all = all();
        return all.stream()
                .filter(w -> w.name().equals(name))
                .findFirst()
                .orElseThrow(() -> BenchException.unknownWorkload(
                        name, all.stream().map(Workload::name).toList()));
    }
}
