package dev.cairn.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --home DIR} option of commands that work on a Cairn home ({@link CairnHome}). */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR", description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn).")
    Path home;

    /** The home this invocation names. */
    CairnHome resolve() {
        return CairnHome.resolve(home);
    }
}
