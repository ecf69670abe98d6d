package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CairnHomeTest {

    @Test
    void theOptionWinsThenCairnHomeThenTheUsersDotCairn() {
        Map<String, String> env = Map.of(CairnHome.ENV, "/srv/cairn");
        assertThat(CairnHome.resolve(Path.of("/opt/h"), env, "/home/ada").dir()).isEqualTo(Path.of("/opt/h"));
        assertThat(CairnHome.resolve(null, env, "/home/ada").dir()).isEqualTo(Path.of("/srv/cairn"));
        assertThat(CairnHome.resolve(null, Map.of(CairnHome.ENV, " "), "/home/ada")
                        .dir())
                .isEqualTo(Path.of("/home/ada/.cairn"));
        assertThat(CairnHome.resolve(null, Map.of(), "/home/ada").dir()).isEqualTo(Path.of("/home/ada/.cairn"));
    }

    @Test
    void theLayoutIsTheOrchestratorsAndTheSecretStoresDefault() {
        CairnHome home = new CairnHome(Path.of("/srv/cairn"));
        assertThat(home.database()).isEqualTo(Path.of("/srv/cairn/cairn.db"));
        assertThat(home.artifacts()).isEqualTo(Path.of("/srv/cairn/artifacts"));
        assertThat(home.secrets()).isEqualTo(Path.of("/srv/cairn/secrets"));
    }
}
