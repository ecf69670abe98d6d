/** Not API: codec helpers of {@code cairn-machine-api}; may change without notice. */
package dev.cairn.machine.internal;
