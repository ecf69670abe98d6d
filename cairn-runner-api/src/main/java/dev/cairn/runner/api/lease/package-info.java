/**
 * Cairn addition to seed 000: how a runner node takes work from the orchestrator.
 *
 * <p>A node asks for leases on the capabilities it serves ({@link LeaseService#acquire}); each
 * lease is a seed {@link dev.cairn.runner.api.LeaseEnvelope} whose {@code task} is the seed's
 * {@link dev.cairn.runner.api.TaskSpec}. The node keeps the lease alive with heartbeats that carry
 * progress and log lines and learns of cancellation from their answers, then reports the task's
 * {@link TaskOutcome}. The orchestrator implements {@link LeaseService} in process; remote nodes
 * use the same interface over HTTP ({@code docs/http-api.md}, "Leases").
 *
 * <p><b>Fencing.</b> Every grant of a task increments its {@code TaskSpec.attempts}; that number is
 * the lease's <em>epoch</em>. A heartbeat or completion names the task and the epoch it holds
 * ({@link LeaseRef}); one for an epoch that is no longer current — the lease expired and the task
 * was granted again — is refused with {@code stale_lease}, so a worker that was presumed dead can
 * never overwrite the result of the worker that replaced it.
 */
package dev.cairn.runner.api.lease;
