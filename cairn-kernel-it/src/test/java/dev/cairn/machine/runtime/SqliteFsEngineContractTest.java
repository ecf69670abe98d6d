package dev.cairn.machine.runtime;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** {@link EngineContractTest} on the SQLite event store and the filesystem artifact store. */
class SqliteFsEngineContractTest extends EngineContractTest {

    @TempDir
    Path dir;

    private RealStores real;

    @Override
    protected StoresFactory stores() {
        if (real == null) {
            real = new RealStores(dir);
        }
        return real;
    }

    @AfterEach
    void closeStores() throws Exception {
        if (real != null) {
            real.close();
        }
    }
}
