package dev.cairn.cli;

import dev.cairn.machine.errors.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Cairn home a command works on, and where it keeps what: the layout of {@code
 * EmbeddedOrchestrator} ({@code cairn.db}, {@code artifacts/}) and of {@code LocalSecretStore}
 * ({@code secrets/}).
 *
 * <pre>
 * &lt;home&gt;/cairn.db      SQLite: the event log, the runs index, the action cache and pins
 * &lt;home&gt;/artifacts/    the content-addressed filesystem store
 * &lt;home&gt;/secrets/      the encrypted local secret store
 * </pre>
 *
 * @param dir the home directory
 */
record CairnHome(Path dir) {

    /** Held so that the level set on it stays (JUL keeps loggers weakly). */
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

    /** The variable that names the home when {@code --home} is not given. */
    static final String ENV = "CAIRN_HOME";

    CairnHome {
        Objects.requireNonNull(dir, "dir");
    }

    /** {@code --home} when given, else {@code $CAIRN_HOME}, else {@code ~/.cairn}. */
    static CairnHome resolve(Path option) {
        return resolve(option, System.getenv(), System.getProperty("user.home"));
    }

    static CairnHome resolve(Path option, Map<String, String> env, String userHome) {
        if (option != null) {
            return new CairnHome(option.toAbsolutePath());
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new CairnHome(Path.of(fromEnv).toAbsolutePath());
        }
        return new CairnHome(Path.of(userHome, ".cairn").toAbsolutePath());
    }

    /** The SQLite database: event log, runs, action cache. */
    Path database() {
        return dir.resolve("cairn.db");
    }

    /** The filesystem artifact store. */
    Path artifacts() {
        return dir.resolve("artifacts");
    }

    /** The local secret store. */
    Path secrets() {
        return dir.resolve("secrets");
    }

    /** Refuses a home that does not exist (commands that only read or clean up never create one). */
    CairnHome requireExisting() {
        if (!Files.isDirectory(dir)) {
            throw new CliException(
                    "home_not_found",
                    "no Cairn home at " + dir,
                    "Pass the home with --home DIR or set " + ENV + " (default ~/.cairn).",
                    ExitCodes.USAGE,
                    null);
        }
        return this;
    }

    /**
     * Keeps what the storage libraries log at startup off the terminal: Flyway's migration notes
     * (java.util.logging, INFO) and SLF4J's notice that it has no provider. Warnings and errors
     * still show. Called before a command opens the home's stores.
     */
    static void quietLibraries() {
        FLYWAY.setLevel(Level.WARNING);
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    /** A failure of the home's database or artifact store, as the user sees it. */
    static CliException storageFailure(StorageException e) {
        String hint = e.hint().isEmpty() ? "Check the home's disk and permissions; rerun with --debug." : e.hint();
        if (e.code().equals("store_locked")) {
            hint = "Another Cairn process (a server, a worker or `cairn run`) has this home open; stop it,"
                    + " or run the command through it.";
        }
        return new CliException(e.code(), e.getMessage(), hint, ExitCodes.IO, e);
    }
}
