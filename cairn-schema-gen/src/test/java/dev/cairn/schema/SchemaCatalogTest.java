package dev.cairn.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCatalogTest {

    private static final SchemaCatalog CATALOG =
            SchemaCatalog.of(Fixtures.Everything.class, Fixtures.Decision.class, Fixtures.Lenient.class);

    @TempDir
    Path module;

    /** A second type named {@code Hit}, to collide with {@link Fixtures.Decision.Hit}. */
    record Hit(String name) {}

    /** The flag may be set for the whole build (`-Dcairn.schemas.update=true`); these tests set it themselves. */
    @BeforeEach
    @AfterEach
    void clearUpdateFlag() {
        System.clearProperty(SchemaCatalog.UPDATE_PROPERTY);
    }

    private Path dir() {
        return SchemaCatalog.sourceDir(module);
    }

    @Test
    void writtenFilesFollowTheClasspathConvention() throws IOException {
        CATALOG.write(dir());
        assertThat(dir()).isEqualTo(module.resolve("src/main/resources/META-INF/cairn/schemas"));
        assertThat(Files.readString(dir().resolve("index.txt"))).isEqualTo("Decision\nEverything\nLenient\n");
        assertThat(Files.readString(dir().resolve("Decision.schema.json")))
                .isEqualTo(SchemaGen.render(SchemaGen.schemaFor(Fixtures.Decision.class)));
        assertThat(CATALOG.drift(dir())).isEmpty();
        assertThat(CATALOG.verifyOrUpdate(module)).isEmpty();
    }

    @Test
    void everyKindOfDriftIsReported() throws IOException {
        CATALOG.write(dir());
        Files.writeString(dir().resolve("Decision.schema.json"), "{\"oneOf\":[]}");
        Files.delete(dir().resolve("Lenient.schema.json"));
        Files.writeString(dir().resolve("Everything.schema.json"), "{not json");
        Files.writeString(dir().resolve("Gone.schema.json"), "{}");
        Files.writeString(dir().resolve("index.txt"), "Decision\nEverything\n");
        assertThat(CATALOG.drift(dir()))
                .containsExactlyInAnyOrder(
                        "index.txt lists [Decision, Everything] but the schemas are [Decision, Everything, Lenient]",
                        "Decision.schema.json differs from the schema generated from "
                                + Fixtures.Decision.class.getName() + " at `/$defs`",
                        "Everything.schema.json is not valid JSON",
                        "Lenient.schema.json is missing",
                        "Gone.schema.json has no type in the catalog");
    }

    @Test
    void formattingAloneIsNotDrift() throws IOException {
        CATALOG.write(dir());
        String compact = SchemaGen.schemaFor(Fixtures.Lenient.class).toString();
        Files.writeString(dir().resolve("Lenient.schema.json"), compact);
        assertThat(CATALOG.drift(dir())).isEmpty();
    }

    @Test
    void driftFailsWithTheCommandThatUpdates() throws IOException {
        CATALOG.write(dir());
        Files.writeString(dir().resolve("Lenient.schema.json"), "{}");
        String moduleName = module.getFileName().toString();
        assertThatThrownBy(() -> CATALOG.verifyOrUpdate(module))
                .isInstanceOf(SchemaGenException.class)
                .hasMessageContaining("the checked-in JSON Schemas of " + moduleName)
                .hasMessageContaining("Lenient.schema.json differs")
                .hasMessageContaining("regenerate them with `./mvnw -B -q -pl " + moduleName
                        + " -am verify -Dcairn.schemas.update=true`")
                .satisfies(e -> {
                    SchemaGenException drift = (SchemaGenException) e;
                    assertThat(drift.code()).isEqualTo("schema_drift");
                    assertThat(drift.hint()).contains("-pl " + moduleName, "-Dcairn.schemas.update=true");
                });
    }

    @Test
    void theUpdateFlagRewritesTheFiles() throws IOException {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("Gone.schema.json"), "{}");
        System.setProperty(SchemaCatalog.UPDATE_PROPERTY, "true");
        assertThat(CATALOG.verifyOrUpdate(module)).isEmpty();
        assertThat(dir().resolve("Gone.schema.json")).doesNotExist();
        System.clearProperty(SchemaCatalog.UPDATE_PROPERTY);
        assertThat(CATALOG.drift(dir())).isEmpty();
    }

    @Test
    void theFirstDifferenceIsNamedByPointer() {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var a = mapper.valueToTree(java.util.Map.of("p", java.util.Map.of("x/y", java.util.List.of(1, 2))));
        var b = mapper.valueToTree(java.util.Map.of("p", java.util.Map.of("x/y", java.util.List.of(1, 3))));
        assertThat(SchemaCatalog.firstDifference(a, b, "")).isEqualTo("/p/x~1y/1");
        var c = mapper.valueToTree(java.util.Map.of("p", 1, "q", 2));
        assertThat(SchemaCatalog.firstDifference(c, mapper.valueToTree(java.util.Map.of("p", 1)), ""))
                .isEqualTo("/q");
    }

    @Test
    void namesMustBeUnique() {
        assertThatThrownBy(() -> SchemaCatalog.of(Fixtures.Decision.Hit.class, Hit.class))
                .isInstanceOf(SchemaGenException.class)
                .hasMessageContaining("schema name Hit is used by")
                .extracting(e -> ((SchemaGenException) e).code())
                .isEqualTo("duplicate_schema_name");
        assertThatThrownBy(() -> SchemaGen.schemaFor(TwoHits.class))
                .isInstanceOf(SchemaGenException.class)
                .hasMessageContaining("schema name Hit is used by");
    }

    record TwoHits(Fixtures.Decision.Hit a, Hit b) {}
}
