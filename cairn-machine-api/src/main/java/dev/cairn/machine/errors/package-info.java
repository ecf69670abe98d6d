/**
 * Seed 001 {@code errors}: the structured error values persisted in events ({@link
 * dev.cairn.machine.errors.ErrorInfo} and the sealed families {@code StateError}, {@code IoError},
 * {@code ContextError}, {@code StorageError}, {@code RunError}), and the unchecked exceptions that
 * carry them, rooted at {@link dev.cairn.machine.errors.MachineException}.
 */
package dev.cairn.machine.errors;
