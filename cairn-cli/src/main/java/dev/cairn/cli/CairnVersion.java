package dev.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code cairn --version}: the version Maven built, from {@code version.properties}. */
public final class CairnVersion implements IVersionProvider {

    /** The version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = CairnVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "cairn " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
