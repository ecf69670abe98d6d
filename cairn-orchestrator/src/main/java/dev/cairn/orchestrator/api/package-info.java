/**
 * The orchestrator as a Java service: what {@code cairn-server}'s HTTP routes, the CLI's
 * in-process mode and embedding applications call. One implementation runs runs on the durable
 * kernel over the embedded store; the HTTP layer adds nothing but transport, auth and validation.
 */
package dev.cairn.orchestrator.api;
