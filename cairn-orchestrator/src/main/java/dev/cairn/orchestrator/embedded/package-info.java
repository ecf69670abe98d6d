/**
 * The orchestrator in one process on the embedded store: {@link
 * dev.cairn.orchestrator.embedded.EmbeddedOrchestrator} (opened with {@link
 * dev.cairn.orchestrator.embedded.OrchestratorOptions}) plans submissions onto the kernel, keeps the
 * runs index, the task queue, leases and logs in the same SQLite database as the event log, and
 * serves runner nodes through its {@code LeaseService}. The task and lease lifecycles are the
 * transition tables {@link dev.cairn.orchestrator.embedded.TaskStatus} and {@link
 * dev.cairn.orchestrator.embedded.LeaseStatus}. See {@code docs/orchestrator.md}.
 */
package dev.cairn.orchestrator.embedded;
