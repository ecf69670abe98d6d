package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.cell.api.CellException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the errors of this module. */
final class Errors {

    private Errors() {}

    /** The port's failure: code secret_broker, caused by a SecretsException with {@code code}; returns the cause. */
    static SecretsException brokerFailure(ThrowingCallable call, String code) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(CellException.class);
        CellException e = (CellException) t;
        assertThat(e.code()).isEqualTo("secret_broker");
        assertThat(e.getMessage()).startsWith("secret broker: ");
        assertThat(e.getCause()).isInstanceOf(SecretsException.class);
        SecretsException cause = (SecretsException) e.getCause();
        assertThat(cause.code()).isEqualTo(code);
        assertThat(e.hint()).isEqualTo(cause.hint()).isNotEmpty();
        return cause;
    }

    /** A SecretsException with {@code code}. */
    static SecretsException failure(ThrowingCallable call, String code) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(SecretsException.class);
        SecretsException e = (SecretsException) t;
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.hint()).isNotEmpty();
        return e;
    }
}
