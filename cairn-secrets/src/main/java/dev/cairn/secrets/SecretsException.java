package dev.cairn.secrets;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.CellosError;
import dev.cairn.json.CodedException;

/**
 * Root exception of {@code cairn-secrets}: a stable {@link #code()}, whether a retry may help, and
 * what to do. Messages name secrets and cells, never a secret's value (nor a "name" that looks like
 * a credential, see {@link SecretPolicy#describeName(String)}).
 *
 * <p>Through the {@link dev.cairn.cell.api.SecretBroker} port these failures surface as {@link
 * CellException}s with code {@code secret_broker} (the port's contract), carrying this exception as
 * their cause and its hint: {@link #toCellException()}.
 */
public class SecretsException extends CodedException {

    private static final long serialVersionUID = 1L;

    public SecretsException(String code, String message, boolean retryable, String hint, Throwable cause) {
        super(code, message, retryable, hint, cause);
    }

    private static SecretsException of(String code, String message, String hint) {
        return new SecretsException(code, message, false, hint, null);
    }

    /** A secret name that is not {@link SecretPolicy#NAME_PATTERN}. */
    public static SecretsException invalidName(String name) {
        return of(
                "invalid_secret_name",
                "secret name " + SecretPolicy.describeName(name) + " is not valid",
                "Name secrets with 1-128 letters, digits and underscores, not starting with a digit (DEPLOY_TOKEN),"
                        + " and not like a credential: the value itself is read from standard input.");
    }

    /** A value shorter than {@link SecretPolicy#MIN_VALUE_BYTES}. */
    public static SecretsException tooShort(String name, int length) {
        return of(
                "secret_too_short",
                "secret " + name + " is " + length + " bytes; secrets must be at least " + SecretPolicy.MIN_VALUE_BYTES
                        + " bytes, because Cairn masks every occurrence of a secret in step output and masking"
                        + " shorter strings would mangle ordinary output",
                "Use a longer value (a generated token), or do not treat this value as a secret.");
    }

    /** A value longer than {@link SecretPolicy#MAX_VALUE_BYTES}. */
    public static SecretsException tooLarge(String name, long length) {
        return of(
                "secret_too_large",
                "secret " + name + " is " + length + " bytes or more; the largest secret is "
                        + SecretPolicy.MAX_VALUE_BYTES + " bytes",
                "Keep large material (archives, keystores) out of the secret store; store the key that unlocks it.");
    }

    /** A value that is not UTF-8 text, or holds NUL. */
    public static SecretsException notText(String name, String why) {
        return of(
                "secret_not_text",
                "secret " + name + " " + why
                        + "; a secret must be deliverable as an environment variable, so it is UTF-8 text without NUL",
                "Store binary material base64-encoded and decode it in the step.");
    }

    /** The broker has no secret of that name. */
    public static SecretsException notFound(String name, String where) {
        return of(
                "secret_not_found",
                "no secret " + name + " in " + where,
                "Set it (cairn secrets set " + name + ") or fix the name the step declares.");
    }

    /** Where a broker's secrets should be is not there (a directory that does not exist). */
    public static SecretsException sourceMissing(String what) {
        return of(
                "secret_source_missing",
                what + " does not exist",
                "Create it, mount it, or configure the broker with the right path.");
    }

    /** {@code cairn secrets set} got nothing on its standard input. */
    public static SecretsException valueMissing(String name) {
        return of(
                "secret_value_missing",
                "no value for secret " + name + " on standard input",
                "Pipe the value in, e.g. printf %s \"$VALUE\" | cairn secrets set " + name
                        + ", or type it and end with Ctrl-D; values are never taken from the command line.");
    }

    /** The store's directory or key file can be read or changed by someone else. */
    public static SecretsException storeInsecure(String message, String hint) {
        return of("secret_store_insecure", message, hint);
    }

    /** A stored value that fails authentication, or a file that is not the store's format. */
    public static SecretsException storeCorrupt(String message, Throwable cause) {
        return new SecretsException(
                "secret_store_corrupt",
                message,
                false,
                "The file was changed outside Cairn, or belongs to another store's key. Set the secret again"
                        + " (cairn secrets set), or restore the store directory together with its key file.",
                cause);
    }

    /** Reading or writing a secret's file failed. */
    public static SecretsException io(String what, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new SecretsException(
                "secret_io", what + detail, true, "Check the path, its permissions and free space.", cause);
    }

    /** A secret file of the directory broker that others may read or change. */
    public static SecretsException fileInsecure(String message) {
        return of(
                "secret_file_insecure",
                message,
                "Make secret files readable by their owner (and group) only: chmod 0400 (Kubernetes: defaultMode: 0400;"
                        + " Docker/Compose: mode: 0400).");
    }

    /** The TTL of a resolution or lease is out of range. */
    public static SecretsException invalidTtl(long ttlSeconds) {
        return of(
                "invalid_ttl",
                "a secret's time to live must be between 1 and " + SecretPolicy.MAX_TTL_SECONDS + " seconds, got "
                        + ttlSeconds,
                "Use the step's timeout plus a margin.");
    }

    /** A cell id that is blank, too long or holds control characters. */
    public static SecretsException invalidCellId(String cellId) {
        return of(
                "invalid_cell_id",
                "cell id " + (cellId == null ? "is missing" : "'" + SecretPolicy.printable(cellId) + "' is not valid"),
                "Use the id of the cell the secrets are for: 1-128 printable characters.");
    }

    /** The TTL of what a cell holds has passed. */
    public static SecretsException expired(String what, String cellId) {
        return of(
                "secret_expired",
                what + " for cell " + cellId + " expired",
                "Resolve the secrets again with a longer time to live, or finish the step within it.");
    }

    /** The cell's secrets were revoked (teardown) before this use. */
    public static SecretsException revoked(String cellId) {
        return of(
                "secret_revoked",
                "the secrets of cell " + cellId + " were revoked",
                "Secrets are revoked when a cell is torn down; resolve them for the new cell.");
    }

    /** A runtime fetch without a lease, or for a key outside it. */
    public static SecretsException notLeased(String message) {
        return of(
                "runtime_lease_missing",
                message,
                "Prepare a runtime lease for the cell (prepareRuntimeSecretLease) naming every secret it fetches.");
    }

    /** A second lease for a cell that holds one. */
    public static SecretsException leaseExists(String cellId) {
        return of(
                "runtime_lease_exists",
                "cell " + cellId + " already holds a runtime lease",
                "Prepare one lease per cell, naming every secret; revoke the cell to end it.");
    }

    /** The secrets a step asks for are inconsistent (two deliveries to one variable, ...). */
    public static SecretsException invalidRequest(String message) {
        return of("invalid_secret_request", message, "Fix the step's secrets: each variable and file once.");
    }

    /** A masking marker that is empty or too long. */
    public static SecretsException invalidMarker(String message) {
        return of("invalid_marker", message, "Use a short, non-empty marker such as ***.");
    }

    /**
     * This failure as the {@link dev.cairn.cell.api.SecretBroker} port reports it: code {@code
     * secret_broker}, this message, this hint and retryability, this exception as the cause.
     */
    public CellException toCellException() {
        return new CellException(new CellosError.SecretBroker(getMessage()), retryable(), hint(), this);
    }
}
