package dev.cairn.workspace.cache;

/**
 * The action cache in numbers.
 *
 * @param entries how many entries
 * @param sizeBytes the sum of their sizes (entries share blobs, so the store may hold less)
 * @param hits how many times entries were served
 * @param pins active pins
 */
public record CacheStats(long entries, long sizeBytes, long hits, long pins) {}
