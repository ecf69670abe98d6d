package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.Canonical;
import dev.cairn.json.wire.Wire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn schema}: the JSON Schemas of Cairn's wire types, as shipped by its modules. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "The JSON Schemas of Cairn's wire types.",
        subcommands = {SchemaCommand.ListSchemas.class, SchemaCommand.Show.class})
final class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Cairn.missingSubcommand(spec);
    }

    static SchemaCatalog catalog() {
        return SchemaCatalog.load(SchemaCommand.class.getClassLoader());
    }

    /** One line of {@code cairn schema list}. */
    record SchemaSummary(String name, Optional<String> title) {}

    /** What {@code cairn schema list --json} prints. */
    record SchemaList(List<SchemaSummary> schemas) {}

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the schemas, with their titles.")
    static final class ListSchemas implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Cairn root = Cairn.of(spec);
            SchemaCatalog catalog = catalog();
            List<SchemaSummary> schemas = catalog.names().stream()
                    .map(name -> new SchemaSummary(name, catalog.title(name)))
                    .toList();
            if (schemas.isEmpty()) {
                root.output().note("no schemas found on the class path (" + SchemaCatalog.INDEX + ")");
            }
            root.output().result(new SchemaList(schemas), SchemaCommand::table);
            return ExitCodes.OK;
        }
    }

    static String table(SchemaList list) {
        int width =
                list.schemas().stream().mapToInt(s -> s.name().length()).max().orElse(0);
        return list.schemas().stream()
                .map(s -> s.title()
                        .map(t -> s.name() + " ".repeat(width - s.name().length() + 2) + t)
                        .orElse(s.name()))
                .collect(Collectors.joining("\n"));
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print a schema: indented, or with --json as canonical JSON on one line.")
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Schema name, as `cairn schema list` prints it.")
        String name;

        @Override
        public Integer call() {
            Cairn root = Cairn.of(spec);
            JsonNode schema = catalog().schema(name);
            Output out = root.output();
            if (out.json()) {
                out.bytes(Canonical.canonicalize(schema));
                out.bytes(new byte[] {'\n'});
            } else {
                try {
                    String pretty =
                            Wire.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(schema);
                    out.bytes((pretty + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (JsonProcessingException e) {
                    throw CliException.internal(e);
                }
            }
            return ExitCodes.OK;
        }
    }
}
