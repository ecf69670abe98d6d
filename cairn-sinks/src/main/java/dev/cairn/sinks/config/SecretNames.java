package dev.cairn.sinks.config;

import dev.cairn.sinks.SinkException;
import java.util.regex.Pattern;

/** The syntax of a secret's name in configurations (the names the secret stores use). */
final class SecretNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    private SecretNames() {}

    static String check(String name, String pointer) {
        if (!NAME.matcher(name).matches()) {
            throw SinkException.invalidConfig(
                    pointer, "expected the name of a secret (letters, digits, '_', '.', '-'), not a value");
        }
        return name;
    }
}
