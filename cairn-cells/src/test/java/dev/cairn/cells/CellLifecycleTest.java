package dev.cairn.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellLifecycleTest {

    @TempDir
    Path tmp;

    /** A clock that moves one second per reading, so each record's timestamp is known exactly. */
    static final class TickingClock implements InstantSource {
        private final AtomicLong seconds = new AtomicLong(1_000_000);

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.getAndIncrement());
        }
    }

    @Test
    void tableAllowsExactlyTheDocumentedMoves() {
        assertThat(CellLifecycle.moves())
                .containsExactlyInAnyOrder(
                        new CellLifecycle.Move(CellState.CREATED, CellState.STARTED),
                        new CellLifecycle.Move(CellState.CREATED, CellState.FAILED),
                        new CellLifecycle.Move(CellState.CREATED, CellState.DESTROYED),
                        new CellLifecycle.Move(CellState.STARTED, CellState.EXITED),
                        new CellLifecycle.Move(CellState.EXITED, CellState.DESTROYED),
                        new CellLifecycle.Move(CellState.FAILED, CellState.DESTROYED));
        assertThat(CellLifecycle.allowed(CellState.STARTED, CellState.DESTROYED))
                .isFalse();
        assertThat(CellLifecycle.allowed(CellState.DESTROYED, CellState.CREATED))
                .isFalse();
        assertThat(CellLifecycle.allowed(CellState.EXITED, CellState.STARTED)).isFalse();
    }

    @Test
    void everyMoveOfTheTableIsExercisedByRealCells() throws Exception {
        List<CellLifecycleRecord> seen = new CopyOnWriteArrayList<>();
        TickingClock clock = new TickingClock();
        Path ws = TestCells.workspace(tmp);
        CellRuntimeOptions options =
                CellRuntimeOptions.builder().clock(clock).listener(seen::add).build();
        try (CellRuntime rt = CellRuntime.create(options)) {
            // CREATED -> STARTED -> EXITED -> DESTROYED
            CellRun run = rt.run(TestCells.process("life", ws, "exit 3").build());
            assertThat(run.result().outcome()).isEqualTo(new CellOutcome.Exited(3));
            assertThat(run.teardown().lifecycle())
                    .extracting(CellLifecycleRecord::state)
                    .containsExactly(CellState.CREATED, CellState.STARTED, CellState.EXITED, CellState.DESTROYED);

            // CREATED -> DESTROYED
            Cell idle = rt.create(TestCells.process("idle", ws, "true").build());
            assertThatThrownBy(idle::await).isInstanceOfSatisfying(CellsException.class, e -> assertThat(e.code())
                    .isEqualTo("cell_state_invalid"));
            TeardownReport idleReport = rt.destroy(idle);
            assertThat(idleReport.destroyed()).isTrue();
            assertThat(idleReport.verification()).isEqualTo(TeardownReport.Verification.NONE);
            assertThatThrownBy(idle::start).isInstanceOfSatisfying(CellsException.class, e -> assertThat(e.code())
                    .isEqualTo("cell_state_invalid"));
        }
        CellRuntimeOptions broken =
                options.toBuilder().setsid(tmp.resolve("no-such-setsid")).build();
        try (CellRuntime rt = CellRuntime.create(broken)) {
            // CREATED -> FAILED -> DESTROYED
            Cell cell = rt.create(TestCells.process("fail", ws, "true").build());
            assertThatThrownBy(cell::start).isInstanceOfSatisfying(CellsException.class, e -> {
                assertThat(e.code()).isEqualTo("cell_spawn_failed");
                assertThat(e.getMessage()).contains("no-such-setsid");
            });
            assertThat(cell.state()).isEqualTo(CellState.FAILED);
            assertThat(rt.destroy(cell).clean()).isTrue();
            assertThat(rt.tracked()).isZero();
        }

        Set<CellLifecycle.Move> exercised = seen.stream()
                .filter(r -> r.from().isPresent())
                .map(r -> new CellLifecycle.Move(r.from().get(), r.state()))
                .collect(Collectors.toSet());
        assertThat(exercised).containsExactlyInAnyOrderElementsOf(CellLifecycle.moves());

        // timestamps come from the injected clock, one tick per reading, in order
        List<Instant> times = seen.stream().map(CellLifecycleRecord::at).toList();
        assertThat(times).isSorted().allMatch(t -> t.getEpochSecond() >= 1_000_000);
        assertThat(seen.get(0).from()).isEqualTo(Optional.empty());
        assertThat(seen.get(0).state()).isEqualTo(CellState.CREATED);
        assertThat(seen).allMatch(r -> r.handle().cellId().equals(r.cellId()));
        CellLifecycleRecord started = seen.stream()
                .filter(r -> r.state() == CellState.STARTED)
                .findFirst()
                .orElseThrow();
        assertThat(started.handle().pid()).isPresent();
    }

    @Test
    void duplicateIdsAreRefusedWhileTheFirstCellIsTracked() throws Exception {
        Path ws = TestCells.workspace(tmp);
        try (CellRuntime rt = CellRuntime.create()) {
            Cell first = rt.create(CellSpec.builder("dup", ws)
                    .profile(CellProfile.PROCESS)
                    .argv("true")
                    .build());
            assertThatThrownBy(() -> rt.create(CellSpec.builder("dup", ws)
                            .profile(CellProfile.PROCESS)
                            .argv("true")
                            .build()))
                    .isInstanceOfSatisfying(
                            CellsException.class, e -> assertThat(e.code()).isEqualTo("cell_exists"));
            assertThat(rt.tracked()).isEqualTo(1);
            assertThat(rt.cell("dup")).containsSame(first);
            assertThat(rt.destroy("dup").peersTrackedAfter()).isZero();
            TeardownReport again = rt.destroy(first);
            assertThat(again.destroyed()).isFalse();
            assertThat(again.verification()).isEqualTo(TeardownReport.Verification.NONE);
            assertThat(rt.destroy("never-existed").destroyed()).isFalse();
            rt.create(CellSpec.builder("dup", ws)
                    .profile(CellProfile.PROCESS)
                    .argv("true")
                    .build());
            assertThat(rt.tracked()).isEqualTo(1);
        }
    }

    @Test
    void closingTheRuntimeDestroysTrackedCellsAndRefusesNewOnes() throws Exception {
        Path ws = TestCells.workspace(tmp);
        CellRuntime rt = CellRuntime.create();
        Cell running = rt.create(TestCells.process("close", ws, "sleep 30").build());
        running.start();
        rt.close();
        assertThat(running.state()).isEqualTo(CellState.DESTROYED);
        assertThat(running.result()).get().extracting(CellResult::outcome).isEqualTo(new CellOutcome.Cancelled());
        assertThat(rt.tracked()).isZero();
        assertThatThrownBy(() -> rt.create(TestCells.process("late", ws, "true").build()))
                .isInstanceOfSatisfying(
                        CellsException.class, e -> assertThat(e.code()).isEqualTo("cell_runtime_closed"));
    }
}
