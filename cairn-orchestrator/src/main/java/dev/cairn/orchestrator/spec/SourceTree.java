package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A document's tree and where its parts are written.
 *
 * @param root the root value
 * @param map positions by JSON Pointer
 * @param poisoned pointers where a value could not be read and a null stands in for it (its
 *     problem is already recorded, so later checks say nothing more about it)
 */
record SourceTree(JsonNode root, SourceMap map, Set<String> poisoned) {}
