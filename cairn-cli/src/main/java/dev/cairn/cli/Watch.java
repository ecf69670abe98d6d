package dev.cairn.cli;

import dev.cairn.contracts.api.RunDetail;

/** Following a run to its end, with the live {@link Progress} view. */
final class Watch {

    private Watch() {}

    /** Shows the run until it has ended; returns its last detail. */
    static RunDetail untilEnd(Backend backend, String runId, Progress progress) {
        while (true) {
            RunDetail detail = backend.detail(runId);
            progress.show(detail);
            if (detail.state().terminal()) {
                progress.finish();
                return detail;
            }
            try {
                Thread.sleep(backend.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(
                        "interrupted",
                        "stopped watching run " + runId,
                        "The run goes on where it runs; `cairn status " + runId + "` shows it.",
                        ExitCodes.FAILED,
                        e);
            }
        }
    }

    /** Prints how the run ended and returns the exit code: 0 when it completed, else 1. */
    static int report(Cairn root, Backend backend, RunDetail detail) {
        RunReport report = RunReport.of(detail, backend.summary(detail.runId()));
        root.output().result(report, RunReport::human);
        return report.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
