package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.Stores;

/**
 * Fresh, empty stores for one test. The engine contract suites ({@code *ContractTest}) are abstract
 * over it, so every store implementation runs the same engine tests.
 */
@FunctionalInterface
public interface StoresFactory {

    Stores create();
}
