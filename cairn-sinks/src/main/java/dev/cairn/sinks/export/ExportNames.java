package dev.cairn.sinks.export;

import dev.cairn.sinks.SinkException;
import java.util.regex.Pattern;

/** Export names are plain file names, so no export can leave its target directory or URL prefix. */
final class ExportNames {

    /** The syntax of the pipeline spec's export names. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private ExportNames() {}

    static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw SinkException.invalidExportName(String.valueOf(name));
        }
        return name;
    }
}
