package dev.cairn.runner.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.runner.api.examples.HelloRunner;
import dev.cairn.runner.node.command.CommandRunner;
import dev.cairn.runner.node.testing.EchoTestRunner;
import dev.cairn.runner.node.testing.LambdaRunner;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerRegistryTest {

    @Test
    void standardHasTheBuiltInsAndTheRunnersFoundByServiceLoader() {
        RunnerRegistry registry = RunnerRegistry.standard();

        assertThat(registry.capabilities())
                .containsExactly(HelloRunner.CAPABILITY, EchoTestRunner.CAPABILITY, CommandRunner.CAPABILITY);
        assertThat(registry.find(EchoTestRunner.CAPABILITY)).get().isInstanceOf(EchoTestRunner.class);
        assertThat(registry.find(CommandRunner.CAPABILITY)).get().isInstanceOf(CommandRunner.class);
        assertThat(registry.find("/nope")).isEmpty();
    }

    @Test
    void withoutDiscoveryOnlyTheBuiltInsAreThere() {
        assertThat(RunnerRegistry.builder().builtIns().build().capabilities())
                .containsExactly(HelloRunner.CAPABILITY, CommandRunner.CAPABILITY);
    }

    @Test
    void aSecondRunnerForACapabilityIsRefused() {
        RunnerRegistry.Builder builder = RunnerRegistry.builder().builtIns();
        LambdaRunner other = new LambdaRunner(HelloRunner.CAPABILITY, ctx -> {});

        assertThatThrownBy(() -> builder.add(other))
                .isInstanceOf(RunnerNodeException.class)
                .hasMessageContaining(HelloRunner.class.getName())
                .hasMessageContaining(LambdaRunner.class.getName())
                .extracting(e -> ((RunnerNodeException) e).code())
                .isEqualTo("duplicate_capability");
    }

    @Test
    void theSameRunnerClassListedTwiceIsKeptOnce() {
        RunnerRegistry registry =
                RunnerRegistry.builder().add(new EchoTestRunner()).discover().build();
        assertThat(registry.capabilities()).containsExactly(EchoTestRunner.CAPABILITY);
    }

    @Test
    void anEmptyCapabilityIsRefused() {
        assertThatThrownBy(() -> RunnerRegistry.builder().add(new LambdaRunner(" ", ctx -> {})))
                .extracting(e -> ((RunnerNodeException) e).code())
                .isEqualTo("invalid_capability");
    }

    @Test
    void restrictingToAnUnknownCapabilityNamesWhatThereIs() {
        RunnerRegistry registry = RunnerRegistry.builder().builtIns().build();

        assertThat(registry.restrictTo(List.of("command")).capabilities()).containsExactly("command");
        assertThatThrownBy(() -> registry.restrictTo(List.of("gpu")))
                .isInstanceOf(RunnerNodeException.class)
                .hasMessageContaining("`gpu`")
                .hasMessageContaining("command")
                .extracting(e -> ((RunnerNodeException) e).code())
                .isEqualTo("unknown_capability");
    }

    @Test
    void aListedClassThatCannotBeLoadedIsATypedError(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve("dev.cairn.runner.api.Runner"), "com.example.MissingRunner\n");
        try (var loader = new java.net.URLClassLoader(
                new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> RunnerRegistry.builder().discover(loader))
                    .isInstanceOf(RunnerNodeException.class)
                    .hasMessageContaining("com.example.MissingRunner")
                    .extracting(e -> ((RunnerNodeException) e).code())
                    .isEqualTo("runner_discovery_failed");
        }
    }
}
