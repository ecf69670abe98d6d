package dev.cairn.kernel.it;

/** Integration tests of the kernel on the real stores (this module ships no code of its own). */
public final class KernelItModule {

    /** Stable name of this module. */
    public static final String MODULE_NAME = "cairn-kernel-it";

    private KernelItModule() {}
}
