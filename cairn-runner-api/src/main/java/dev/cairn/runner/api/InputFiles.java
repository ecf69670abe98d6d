package dev.cairn.runner.api;

import java.util.regex.Pattern;

/** File names for materialized inputs. */
final class InputFiles {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private InputFiles() {}

    /**
     * {@code cid-<cid>} when the CID is a safe file name (CIDs and hex digests are), else {@code
     * input}: a CID never chooses where a file lands.
     */
    static String fileNameFor(String cid) {
        return SAFE.matcher(cid).matches() ? "cid-" + cid : "input";
    }
}
