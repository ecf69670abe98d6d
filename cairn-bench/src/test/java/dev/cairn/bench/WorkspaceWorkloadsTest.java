package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import org.junit.jupiter.api.Test;

/** The store and workspace workloads run, check their own work, and report every figure. */
class WorkspaceWorkloadsTest {

    static final BenchSettings SMALL =
            BenchSettings.builder().warmupRounds(0).rounds(2).iterations(2).build();

    @Test
    void casReportsPutsAndGetsBesideRawSha256() {
        BenchReport report = new CasWorkload().run(SMALL);

        assertThat(report.workload()).isEqualTo("cas");
        assertThat(report.settings().clock()).isEqualTo("wall");
        assertThat(report.figures())
                .extracting(BenchReport.Figure::name)
                .containsExactly("put_1mb", "put_deferred_1mb", "put_existing_1mb", "get_1mb", "stream_1mb");
        assertThat(report.baselines())
                .extracting(BenchReport.Figure::name)
                .containsExactly("sha256_1mb", "raw_write_fsync_1mb", "raw_read_1mb");
        assertThat(report.figures()).allSatisfy(f -> assertThat(f.median()).isPositive());
        assertThat(report.ratios().getFirst().goal()).contains(CasWorkload.GOAL);
        assertThat(StrictJson.parse(Wire.write(report)).get("ratios").size()).isEqualTo(7);
    }

    @Test
    void snapshotReportsTheFullTheIncrementalAndTheFloors() {
        BenchReport report = new SnapshotWorkload(300, 1_000_000).run(SMALL);

        assertThat(report.workload()).isEqualTo("snapshot");
        assertThat(report.figures())
                .extracting(BenchReport.Figure::name)
                .containsExactly("snapshot_full", "snapshot_one_changed", "snapshot_unchanged");
        assertThat(report.baselines())
                .extracting(BenchReport.Figure::name)
                .containsExactly("raw_walk_lstat", "raw_read_sha256", "raw_write_new_files");
        assertThat(report.figures()).allSatisfy(f -> {
            assertThat(f.unit()).isEqualTo("ms");
            assertThat(f.rounds()).isEqualTo(2);
        });
        assertThat(report.inputs().getFirst().count()).isEqualTo(300);
        assertThat(report.inputs().getFirst().canonicalBytes()).contains(1_000_000L);
        assertThat(report.ratios().getFirst().name()).isEqualTo("snapshot_full_over_one_changed");
        assertThat(report.ratios().getFirst().goal()).contains(SnapshotWorkload.GOAL);
    }

    @Test
    void cacheHitReportsRestoreAndLookupsAgainstTheNoOpReference() {
        BenchReport report = new CacheHitWorkload(50).run(SMALL);

        assertThat(report.workload()).isEqualTo("cache-hit");
        assertThat(report.figures())
                .extracting(BenchReport.Figure::name)
                .containsExactly("restore_1000_files", "hit_lookup", "hit_lookup_for_use");
        assertThat(report.baselines())
                .extracting(BenchReport.Figure::name)
                .containsExactly("raw_copy_1000_files", "raw_hardlink_1000_files");
        assertThat(report.ratios())
                .extracting(BenchReport.Ratio::numerator)
                .first()
                .isEqualTo("sandbox_noop_step_ms_from_docs_cells");
        assertThat(report.ratios().getFirst().value())
                .isEqualTo(BenchReport.round(CacheHitWorkload.SANDBOX_NOOP_MS
                        / report.figures().getFirst().median()));
    }
}
