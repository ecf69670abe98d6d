package dev.cairn.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.engine.StartRun;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.ids.IdValidationError;
import dev.cairn.machine.plan.ExecutionPlan;
import dev.cairn.machine.plan.StateGraph;
import dev.cairn.machine.plan.StateNode;
import dev.cairn.machine.stores.EventSelection;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The classes of the API (main code of {@code dev.cairn.machine}, without {@code internal}). */
final class ApiClasses {

    /** Records of the API that are not wire types, and why. */
    static final Set<Class<?>> NOT_WIRE = Set.of(
            StateNode.class, // holds code (a State)
            StateGraph.class, // holds StateNodes
            ExecutionPlan.class, // holds a StateGraph
            StartRun.class, // holds a DynContext and a plan
            Stores.class, // holds ports
            EventSelection.class, // a read's parameter, never persisted nor sent
            IdValidationError.class); // no serde derives in the seed

    private ApiClasses() {}

    static List<Class<?>> all() {
        try {
            Path root = Path.of(MachineApi.class.getResource("MachineApi.class").toURI())
                    .getParent();
            Path classes = root.getParent().getParent().getParent();
            List<Class<?>> out = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
                    String name = classes.relativize(it.next()).toString();
                    if (name.endsWith(".class")
                            && !name.endsWith("package-info.class")
                            && !name.contains("/internal/")) {
                        out.add(Class.forName(name.substring(0, name.length() - ".class".length())
                                .replace('/', '.')));
                    }
                }
            }
            assertThat(out).as("classes found under %s", root).hasSizeGreaterThan(50);
            return out;
        } catch (IOException | URISyntaxException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether {@code type} is a variant of a {@link WireEnum} family. */
    static boolean isVariant(Class<?> type) {
        return Arrays.stream(type.getInterfaces()).anyMatch(i -> i.isAnnotationPresent(WireEnum.class));
    }

    /**
     * The top-level wire types: Java enums, {@link WireEnum} families, and records that are neither
     * variants nor {@link #NOT_WIRE}.
     */
    static List<Class<?>> families() {
        return all().stream()
                .filter(t -> t.isEnum()
                        || (t.isInterface() && t.isAnnotationPresent(WireEnum.class))
                        || (t.isRecord() && !isVariant(t) && !NOT_WIRE.contains(t)))
                .toList();
    }
}
