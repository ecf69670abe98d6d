package dev.cairn.orchestrator.spec;

/** How a cell hands a secret to its step. */
public sealed interface SecretDelivery {

    /**
     * As an environment variable of the step's process.
     *
     * @param variable the variable's name (same syntax as step env names, not {@code CAIRN_*})
     */
    record Env(String variable) implements SecretDelivery {
        public Env {
            if (variable == null || !Names.isEnvName(variable) || Names.isReservedEnv(variable)) {
                throw SpecException.unplaced(
                        "/env",
                        SpecCode.INVALID_SECRET_NAME,
                        "secret variable " + (variable == null ? "is missing" : Texts.quote(variable))
                                + " is not valid");
            }
        }
    }

    /**
     * As a file, readable only by the step, in the private (tmpfs) directory whose path the cell
     * puts in {@code CAIRN_SECRETS_DIR}.
     *
     * @param fileName the file's name in that directory ({@code [A-Za-z0-9._-]}, not starting with
     *     {@code .} or {@code -})
     */
    record File(String fileName) implements SecretDelivery {
        public File {
            if (fileName == null || !Names.isSecretFile(fileName)) {
                throw SpecException.unplaced(
                        "/file",
                        SpecCode.INVALID_SECRET_NAME,
                        "secret file name " + (fileName == null ? "is missing" : Texts.quote(fileName))
                                + " is not valid");
            }
        }
    }
}
