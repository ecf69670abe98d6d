package dev.cairn.cli;

import dev.cairn.secrets.LocalSecretStore;
import dev.cairn.secrets.SecretInfo;
import dev.cairn.secrets.SecretPolicy;
import dev.cairn.secrets.SecretsAdmin;
import dev.cairn.secrets.SecretsException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn secrets set|ls|rm}: the encrypted local secret store of a Cairn home ({@code
 * <home>/secrets}, AES-256-GCM, see {@code docs/secrets.md}). Values are read from standard input,
 * never from the command line, and never printed.
 */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description = "Manage the encrypted local secret store of a Cairn home.",
        subcommands = {SecretsCommand.Set.class, SecretsCommand.Ls.class, SecretsCommand.Rm.class})
final class SecretsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Cairn.missingSubcommand(spec);
    }

    /** Runs {@code body} on the home's store; the store's failures become the user's errors. */
    static <T> T withStore(HomeOption option, Function<SecretsAdmin, T> body) {
        CairnHome home = option.resolve();
        CairnHome.quietLibraries();
        try {
            return body.apply(new SecretsAdmin(LocalSecretStore.open(home.secrets())));
        } catch (SecretsException e) {
            throw failure(e);
        }
    }

    /** The exit code of each of the store's errors. */
    static CliException failure(SecretsException e) {
        int exit =
                switch (e.code()) {
                    case "invalid_secret_name", "secret_not_found" -> ExitCodes.USAGE;
                    case "secret_io" -> ExitCodes.IO;
                    default -> ExitCodes.DATA;
                };
        return new CliException(e.code(), e.getMessage(), e.hint(), exit, e);
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = {
                "Store a secret's value, read from standard input to its end (never from the command line).",
                "One trailing line break is dropped. Values shorter than " + SecretPolicy.MIN_VALUE_BYTES
                        + " bytes are refused: every occurrence of a secret is masked in step output, and"
                        + " masking short strings would mangle ordinary output.",
                "Example: printf %%s \"$TOKEN\" | cairn secrets set DEPLOY_TOKEN"
            })
    static final class Set implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @Parameters(index = "0", paramLabel = "NAME", description = "The secret's name, e.g. DEPLOY_TOKEN.")
        String name;

        /** Anything after the name: a value typed on the command line, refused without repeating it. */
        @Parameters(index = "1..*", hidden = true)
        List<String> extra;

        @Override
        public Integer call() {
            Cairn root = Cairn.of(spec);
            // Check the name before waiting for a value that would be refused anyway.
            try {
                SecretPolicy.requireName(name);
            } catch (SecretsException e) {
                throw failure(e);
            }
            if (extra != null && !extra.isEmpty()) {
                throw new CliException(
                        "secret_value_on_command_line",
                        "`cairn secrets set` reads the value from standard input, never from the command line;"
                                + " the arguments after " + name + " were refused (and are not repeated here)",
                        "A value typed on the command line is in your shell history and was visible in `ps`:"
                                + " rotate it, then pipe the new one in: printf %s \"$VALUE\" | cairn secrets set "
                                + name,
                        ExitCodes.USAGE,
                        null);
            }
            SecretInfo info =
                    withStore(home, admin -> admin.set(name, root.terminal().in()));
            root.output().result(info, i -> "set " + i.name() + " (version " + i.version() + ")");
            return ExitCodes.OK;
        }
    }

    /** What {@code cairn secrets ls --json} prints: names, versions and times, never values. */
    record SecretList(List<SecretInfo> secrets) {}

    @Command(
            name = "ls",
            mixinStandardHelpOptions = true,
            description = "List the stored secrets: names, versions and when they were set; never values.")
    static final class Ls implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @Override
        public Integer call() {
            CairnHome resolved = home.resolve();
            // Listing never creates a store.
            SecretList list = Files.isDirectory(resolved.secrets())
                    ? new SecretList(withStore(home, SecretsAdmin::list))
                    : new SecretList(List.of());
            Cairn.of(spec).output().result(list, Ls::human);
            return ExitCodes.OK;
        }

        static String human(SecretList list) {
            if (list.secrets().isEmpty()) {
                return "no secrets";
            }
            int width = list.secrets().stream()
                    .mapToInt(s -> s.name().length())
                    .max()
                    .orElse(4);
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %7s  %s%n", "NAME", "VERSION", "SET AT"));
            for (SecretInfo s : list.secrets()) {
                out.append(String.format(
                        Locale.ROOT,
                        "%-" + width + "s  %7d  %s%n",
                        s.name(),
                        s.version(),
                        CacheCommand.Units.time(s.createdAt())));
            }
            return out.toString();
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a stored secret.")
    static final class Rm implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        HomeOption home;

        @Parameters(paramLabel = "NAME", description = "The secret to delete.")
        String name;

        @Override
        public Integer call() {
            CairnHome resolved = home.resolve();
            if (!Files.isDirectory(resolved.secrets())) {
                try {
                    SecretPolicy.requireName(name);
                } catch (SecretsException e) {
                    throw failure(e);
                }
                throw failure(SecretsException.notFound(name, "the secret store " + resolved.secrets()));
            }
            SecretInfo removed = withStore(home, admin -> admin.remove(name));
            Cairn.of(spec).output().result(removed, i -> "removed " + i.name() + " (was version " + i.version() + ")");
            return ExitCodes.OK;
        }
    }
}
