package dev.cairn.server;

import dev.cairn.contracts.ContractException;
import dev.cairn.contracts.RunRequest;
import dev.cairn.orchestrator.api.Orchestrator;
import java.util.UUID;

/**
 * Seed 003's orchestrator contract, exactly: {@code POST /run} (200, as oRPC answers a procedure
 * without a declared success status), {@code GET /run/{runId}/status}, {@code GET /run/{runId}}.
 * The seed's run ids are any non-empty string; Cairn's are UUIDs, so any other id names no run
 * (404 {@code run_not_found}).
 */
final class SeedRoutes {

    private final Orchestrator orchestrator;

    SeedRoutes(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    void register(Router router) {
        router.add("POST", "/run", Access.CLIENT, this::submit);
        router.add("GET", "/run/{runId}/status", Access.CLIENT, this::status);
        router.add("GET", "/run/{runId}", Access.CLIENT, this::summary);
    }

    private void submit(Exchange ex) throws Exception {
        ex.noQuery();
        RunRequest request = ex.readJson(RunRequest.class);
        ex.json(200, orchestrator.submit(request));
    }

    private void status(Exchange ex) {
        ex.noQuery();
        ex.json(200, orchestrator.status(existingId(ex.param("runId"))));
    }

    private void summary(Exchange ex) {
        ex.noQuery();
        ex.json(200, orchestrator.summary(existingId(ex.param("runId"))));
    }

    /** The run id in the form the orchestrator knows, or 404: no run has an id that is not a UUID. */
    static String existingId(String runId) {
        try {
            UUID uuid = UUID.fromString(runId);
            if (uuid.toString().equals(runId.toLowerCase(java.util.Locale.ROOT))) {
                return uuid.toString();
            }
        } catch (IllegalArgumentException e) {
            // not a UUID: no such run
        }
        throw ContractException.runNotFound(runId);
    }
}
