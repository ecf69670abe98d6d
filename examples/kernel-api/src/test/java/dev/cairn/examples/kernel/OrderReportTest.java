package dev.cairn.examples.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.StrictJson;
import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.machine.runtime.ReplayReport;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.InMemoryEventStore;
import org.junit.jupiter.api.Test;

class OrderReportTest {

    @Test
    void theReportIsComputedPublishedOnceAndReplaysExactly() {
        OrderReport example = new OrderReport();
        Stores stores = new Stores(new InMemoryEventStore(), new InMemoryArtifactStore());
        Engine engine = example.engine();

        RunResult result = example.run(engine, stores);

        assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
        var context =
                StrictJson.parse(stores.artifacts().get(result.finalSnapshotId().orElseThrow()));
        assertThat(context.get("report").get("subtotal_cents").longValue()).isEqualTo(2 * 450 + 1200);
        assertThat(context.get("report").get("shipping_cents").longValue()).isEqualTo(499);
        assertThat(context.get("report").get("total_cents").longValue()).isEqualTo(2599);
        assertThat(example.outbox).containsOnlyKeys("order-report-2026-11");

        ReplayReport replay = engine.replay(stores, result.runId());

        assertThat(replay.verified()).isTrue();
        assertThat(replay.statesVerified()).isEqualTo(4);
        assertThat(replay.result().finalSnapshotId()).isEqualTo(result.finalSnapshotId());
        assertThat(example.outbox).as("the replay published nothing").hasSize(1);
    }

    @Test
    void mainPrintsTheLogAndTheVerifiedReplay() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream previous = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            OrderReport.main(new String[0]);
        } finally {
            System.setOut(previous);
        }

        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("ended COMPLETED", "StateEntered order_report.main.publish attempt 0", "verified 4 states");
    }
}
