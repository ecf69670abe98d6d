package dev.cairn.cli;

/**
 * Exit codes of {@code cairn}, after BSD {@code sysexits.h} where one fits. Scripts may rely on
 * them; every error also prints its stable code ({@code error[<code>]}) on stderr.
 */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;

    /**
     * The command worked but what it reports did not succeed: the run failed, was cancelled or timed
     * out; a replay did not verify.
     */
    public static final int FAILED = 1;

    /** The command line is wrong: unknown command or option, missing or bad argument, unknown name. */
    public static final int USAGE = 2;

    /** The input is wrong: not JSON, not canonicalizable, failed validation (EX_DATAERR). */
    public static final int DATA = 65;

    /**
     * A service the command needs is not available (EX_UNAVAILABLE): the server cannot be reached,
     * or another process has the home open.
     */
    public static final int UNAVAILABLE = 69;

    /** A bug or a broken installation (EX_SOFTWARE); rerun with {@code --debug} and report it. */
    public static final int INTERNAL = 70;

    /** A file or stream could not be read or written (EX_IOERR). */
    public static final int IO = 74;

    private ExitCodes() {}
}
