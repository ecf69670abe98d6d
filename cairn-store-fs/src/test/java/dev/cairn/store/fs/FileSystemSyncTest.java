package dev.cairn.store.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemSyncTest {

    @TempDir
    Path dir;

    @Test
    void syncfsIsTrustedFromLinux58On() {
        assertThat(FileSystemSync.reportsWritebackErrors("6.18.44-fc-v669")).isTrue();
        assertThat(FileSystemSync.reportsWritebackErrors("5.8.0")).isTrue();
        assertThat(FileSystemSync.reportsWritebackErrors("5.7.19-generic")).isFalse();
        assertThat(FileSystemSync.reportsWritebackErrors("4.19")).isFalse();
        assertThat(FileSystemSync.reportsWritebackErrors("")).isFalse();
        assertThat(FileSystemSync.reportsWritebackErrors("unknown")).isFalse();
    }

    @Test
    void flushesAnExistingDirectorysFileSystemWhereAvailableAndSaysSoWhenNot() {
        assertThat(FileSystemSync.sync(dir)).isEqualTo(FileSystemSync.available());
        assertThat(FileSystemSync.sync(dir.resolve("missing"))).isFalse();
    }
}
