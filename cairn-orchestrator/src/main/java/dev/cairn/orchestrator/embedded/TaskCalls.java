package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.machine.io.IoCall;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The typed side of the {@code task} call a step's state is making on its thread. The kernel's IO
 * carries JSON trees (the request of an {@link IoCall}, the response it records as a fact); the
 * state and the {@link TaskTransport} at either end of one call have the {@link TaskRequest} and the
 * {@link TaskResult} at hand, so each hands its object to the other beside the tree instead of the
 * other converting the tree back ({@code Wire.fromTree}, 1 % of the server's CPU per task each way).
 *
 * <p>What is handed over is exactly what the tree would have given:
 *
 * <ul>
 *   <li>the request is taken only for the very {@link IoCall} it was made for (identity), and its
 *       {@code meta} is the call's own copy of it ({@link #request});
 *   <li>the result is taken only after the kernel answered that same call (so the transport produced
 *       it, and the recorded fact is its canonical JSON) and only when the answer reads as it: every
 *       JSON value it carries (the runner's {@code result}, the history's payloads) is the same value
 *       as the one in the answer, which is what replay reads from the fact ({@link #readsAs}; an
 *       integer may sit in a node of another width, which the wire codec and the kernel's copy of an
 *       event payload read alike). A value that
 *       canonical JSON writes differently ({@code 2.0} becomes {@code 2}) fails that check, and the
 *       state reads the answer as before. Equal trees may list an object's members in another order
 *       (the answer's are sorted); nothing the state derives depends on it but the member order of
 *       the history's domain events in the log, which readers do not rely on.
 * </ul>
 *
 * <p>A call answered from a fact already recorded (a resumed attempt) or in replay never reaches the
 * transport, so there is no result to take and the state reads the answer.
 */
final class TaskCalls {

    private static final ThreadLocal<TaskCalls> CURRENT = new ThreadLocal<>();

    private final IoCall call;
    private final TaskRequest request;
    private TaskResult result;

    private TaskCalls(IoCall call, TaskRequest request) {
        this.call = call;
        this.request = request;
    }

    /**
     * The state is about to make {@code call}, whose request tree is {@code request}'s: registers the
     * pair on this thread until {@link #end}.
     */
    static TaskCalls begin(IoCall call, TaskRequest request) {
        Objects.requireNonNull(call, "call");
        // The call's copy of meta, as the transport would read it from the call's tree: IoCall
        // normalizes the numbers of its request (JsonValues) and the queue stores what it is given.
        TaskRequest typed = new TaskRequest(
                request.stepId(),
                request.capability(),
                request.labels(),
                call.request().get("meta"),
                request.inputsCids(),
                request.timeout(),
                request.backoff(),
                request.mode());
        TaskCalls calls = new TaskCalls(call, typed);
        CURRENT.set(calls);
        return calls;
    }

    /** The state's call has returned (or failed). */
    void end() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /** The typed request of {@code call} when this thread's state made it, else {@code null}. */
    static TaskRequest request(IoCall call) {
        TaskCalls current = CURRENT.get();
        return current != null && current.call == call ? current.request : null;
    }

    /** The transport answers {@code call} with {@code result} (whose tree it returns to the kernel). */
    static void answered(IoCall call, TaskResult result) {
        TaskCalls current = CURRENT.get();
        if (current != null && current.call == call) {
            current.result = result;
        }
    }

    /**
     * The result the transport answered this call with, when the kernel's {@code response} (the fact
     * as replay reads it) reads as it; else {@code null}.
     */
    TaskResult resultReadAs(JsonNode response) {
        TaskResult answered = result;
        return answered != null && readsAs(response, answered) ? answered : null;
    }

    /**
     * Whether the state may take {@code result} for {@code Wire.fromTree(response, TaskResult.class)},
     * given that {@code response} is the canonical JSON of {@code result}'s tree read back: the typed
     * fields (ids, counts, codes, outputs) come back as they were written, so only the JSON values can
     * differ, and they must be the same values ({@link #sameJson}).
     */
    static boolean readsAs(JsonNode response, TaskResult result) {
        if (result.outcome() instanceof TaskOutcome.Succeeded s
                && !sameJson(
                        s.result(), response.path("outcome").path("Succeeded").path("result"))) {
            return false;
        }
        List<TaskEvent> history = result.history();
        JsonNode recorded = response.path("history");
        if (!recorded.isArray() || recorded.size() != history.size()) {
            return false;
        }
        for (int i = 0; i < history.size(); i++) {
            if (!sameJson(history.get(i).payload(), recorded.get(i).path("payload"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same JSON value: objects with the same members (in any order), arrays element by element,
     * integers by value whatever node holds them ({@code put("epoch", 1L)} reads back as an int node;
     * the wire codec and the kernel's copies of event payloads read both alike), anything else as
     * Jackson compares it, so that a fraction is the same only as the same fraction ({@code 2.0} is not
     * {@code 2}, which is how canonical JSON writes it). Depth is bounded: the value was canonicalized.
     */
    static boolean sameJson(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber()) {
            return a.canConvertToLong() && b.canConvertToLong()
                    ? a.longValue() == b.longValue()
                    : a.bigIntegerValue().equals(b.bigIntegerValue());
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> member : a.properties()) {
                JsonNode other = b.get(member.getKey());
                if (other == null || !sameJson(member.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
