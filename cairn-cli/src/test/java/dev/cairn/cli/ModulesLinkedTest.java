package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.bench.BenchModule;
import dev.cairn.cell.api.CellApi;
import dev.cairn.client.ClientModule;
import dev.cairn.contracts.Contracts;
import dev.cairn.executor.protocol.ExecutorProtocol;
import dev.cairn.json.CairnJson;
import dev.cairn.machine.MachineApi;
import dev.cairn.node.NodeModule;
import dev.cairn.runner.api.RunnerApi;
import dev.cairn.schema.SchemaGen;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's {@code CRATE_NAME} smoke test: every module of the build is compiled and linked into
 * the CLI's class path, and each {@code MODULE_NAME} names the artifact its class was loaded from.
 */
class ModulesLinkedTest {

    private record Module(Class<?> marker, String name) {}

    private static final List<Module> MODULES = List.of(
            new Module(CairnJson.class, CairnJson.MODULE_NAME),
            new Module(MachineApi.class, MachineApi.MODULE_NAME),
            new Module(RunnerApi.class, RunnerApi.MODULE_NAME),
            new Module(ExecutorProtocol.class, ExecutorProtocol.MODULE_NAME),
            new Module(Contracts.class, Contracts.MODULE_NAME),
            new Module(CellApi.class, CellApi.MODULE_NAME),
            new Module(SchemaGen.class, SchemaGen.MODULE_NAME),
            new Module(BenchModule.class, BenchModule.MODULE_NAME),
            new Module(ClientModule.class, ClientModule.MODULE_NAME),
            new Module(NodeModule.class, NodeModule.MODULE_NAME),
            new Module(CliModule.class, CliModule.MODULE_NAME));

    @Test
    void everyModuleIsCompiledAndLinked() {
        Set<String> names = MODULES.stream().map(Module::name).collect(Collectors.toSet());
        assertThat(names).hasSize(MODULES.size()).allSatisfy(n -> assertThat(n).matches("cairn-[a-z-]+"));
        for (Module module : MODULES) {
            // Loaded from <module>/target/classes in the reactor, or lib/<module>-<version>.jar.
            String location = module.marker()
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .getPath();
            assertThat(location)
                    .as(module.marker().getName())
                    .matches(".*/" + module.name() + "(/target/(test-)?classes/|-[^/]+\\.jar)$");
        }
    }
}
