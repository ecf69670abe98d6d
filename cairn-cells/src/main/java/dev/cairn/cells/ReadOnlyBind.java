package dev.cairn.cells;

import java.nio.file.Path;
import java.util.Objects;

/** A host path made visible, read-only, at {@code cellPath} inside a sandbox. Ignored by the process profile. */
public record ReadOnlyBind(Path hostPath, String cellPath) {

    public ReadOnlyBind {
        Objects.requireNonNull(hostPath, "host_path");
        Objects.requireNonNull(cellPath, "cell_path");
        if (!hostPath.isAbsolute()) {
            throw CellsException.specInvalid("read_only_binds", "host path '" + hostPath + "' must be absolute");
        }
        hostPath = hostPath.normalize();
        if (!cellPath.startsWith("/")
                || cellPath.contains("\0")
                || Path.of(cellPath).normalize().toString().equals("/")) {
            throw CellsException.specInvalid(
                    "read_only_binds", "cell path '" + cellPath + "' must be absolute and not the root");
        }
        cellPath = Path.of(cellPath).normalize().toString();
        for (String reserved : new String[] {"/proc", "/dev", "/work", "/run/cairn"}) {
            if (cellPath.equals(reserved) || cellPath.startsWith(reserved + "/")) {
                throw CellsException.specInvalid(
                        "read_only_binds",
                        "cell path '" + cellPath + "' is reserved by the sandbox (" + reserved + ")");
            }
        }
    }
}
