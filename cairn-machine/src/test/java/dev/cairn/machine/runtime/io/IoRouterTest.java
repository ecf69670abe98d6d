package dev.cairn.machine.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IoRouterTest {

    static final IoCallContext CONTEXT =
            new IoCallContext(new RunId(new UUID(1, 1)), new StateId("m.s.x"), 0, Optional.empty(), List.of());

    static IoTransport answering(String text) {
        return (call, context) -> TextNode.valueOf(text);
    }

    final IoRouter router = new IoRouter(IoTransportRegistry.builder()
            .register("nix", answering("nix"))
            .register("nix.exec", answering("nix.exec"))
            .register("http", answering("http"))
            .build());

    String route(String namespace) {
        return router.route(namespace)
                .call(new IoCall(namespace, JsonNodeFactory.instance.objectNode(), Optional.empty()), CONTEXT)
                .textValue();
    }

    @Test
    void theLongestGroupContainingTheNamespaceWins() {
        assertThat(route("nix.exec")).isEqualTo("nix.exec");
        assertThat(route("nix.exec.run")).isEqualTo("nix.exec");
        assertThat(route("nix.eval")).isEqualTo("nix");
        assertThat(route("nix")).isEqualTo("nix");
        assertThat(route("http.get")).isEqualTo("http");
    }

    @Test
    void aNamespaceOutsideEveryGroupIsATypedErrorNamingTheNamespace() {
        assertThatThrownBy(() -> router.route("nixos")).isInstanceOfSatisfying(IoException.class, e -> {
            assertThat(e.code()).isEqualTo(IoCodes.IO_UNKNOWN_NAMESPACE);
            assertThat(e.error()).isInstanceOf(IoError.Other.class);
            assertThat(e.getMessage()).contains("`nixos`");
            assertThat(e.info().details().orElseThrow().get("registered_groups").toString())
                    .contains("nix.exec");
            assertThat(e.hint()).contains("register");
        });
    }

    @Test
    void theRegistryRefusesDuplicateAndMalformedGroups() {
        assertThatThrownBy(() -> IoTransportRegistry.builder()
                        .register("http", answering("a"))
                        .register("http", answering("b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        for (String bad : List.of("", ".http", "http.", "a..b", "HTTP", "a b")) {
            assertThatThrownBy(() -> IoTransportRegistry.builder().register(bad, answering("x")))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(IoTransportRegistry.empty().transports()).isEmpty();
    }
}
