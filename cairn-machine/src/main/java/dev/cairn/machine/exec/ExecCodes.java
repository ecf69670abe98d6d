package dev.cairn.machine.exec;

/** Stable error codes of the {@code exec} and {@code nix.exec} transports. Never change one. */
public final class ExecCodes {

    /** The request does not read as an {@link ExecRequest} (the error points at the field). */
    public static final String EXEC_REQUEST_INVALID = "exec_request_invalid";
    /** {@code argv[0]} is not an executable file, nor found on {@code PATH}. */
    public static final String EXEC_PROGRAM_NOT_FOUND = "exec_program_not_found";
    /** {@code cwd} is not an existing directory. */
    public static final String EXEC_CWD_INVALID = "exec_cwd_invalid";
    /** The operating system refused to start the program. */
    public static final String EXEC_SPAWN_FAILED = "exec_spawn_failed";
    /** The program ran longer than {@code timeout_ms}; its whole process tree was killed. */
    public static final String EXEC_TIMEOUT = "exec_timeout";
    /** The request's flake is not under any prefix of the run's {@code nix_flake_allowlist}. */
    public static final String NIX_FLAKE_NOT_ALLOWED = "nix_flake_not_allowed";
    /** The {@code nix} binary is not installed (not on {@code PATH}). */
    public static final String NIX_NOT_FOUND = "nix_not_found";

    private ExecCodes() {}
}
