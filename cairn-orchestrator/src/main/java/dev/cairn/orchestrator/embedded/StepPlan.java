package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.machine.config.RetryPolicy;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.meta.Idempotency;
import dev.cairn.machine.meta.SideEffectKind;
import dev.cairn.machine.meta.StateMeta;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One state of a planned run: the step it dispatches, how users name it, and everything its task
 * needs. Made by the {@link Planner}, the same way when a run starts and when it is resumed or
 * replayed.
 *
 * @param stateId the kernel state
 * @param stepId the step as users name it ({@code build}, {@code probe@eu-west-1})
 * @param name the step (or runner) without its region
 * @param region its region, for one region of a multi-region step
 * @param position its place in the plan
 * @param capability the runner capability that executes it
 * @param labels the labels a runner must carry (with {@code region})
 * @param meta the state's metadata (tags, side effects, idempotency)
 * @param payload what the task carries
 * @param retry the step's retry policy (attempts and backoff)
 * @param timeout the step's timeout
 * @param mode {@code pipeline} or {@code runners}
 */
record StepPlan(
        StateId stateId,
        String stepId,
        String name,
        Optional<String> region,
        int position,
        String capability,
        SortedMap<String, String> labels,
        StateMeta meta,
        Payload payload,
        RetryPolicy retry,
        Duration timeout,
        String mode) {

    StepPlan {
        Objects.requireNonNull(stateId, "state_id");
        Objects.requireNonNull(stepId, "step_id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(capability, "capability");
        labels = new TreeMap<>(labels);
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(mode, "mode");
    }

    /** Whether the step applies a side effect without an idempotency key: never retried. */
    boolean unkeyedSideEffect() {
        return meta.sideEffects() == SideEffectKind.APPLY_SIDE_EFFECT && meta.idempotency() instanceof Idempotency.None;
    }

    /** What a step's task carries. */
    sealed interface Payload {

        /**
         * A {@code command} step: the command (with the pipeline's environment merged in), its
         * inputs, the step it continues and the secrets it declares.
         *
         * @param continues the step ids whose records hold the parent snapshot of a chain (one,
         *     or one per region of a multi-region parent); empty when the step starts afresh
         * @param cacheable whether the host may serve and commit it (the step's {@code cache}, and
         *     no side effect)
         */
        record Command(
                CommandStep step,
                List<Input> inputs,
                Optional<String> continuesStep,
                List<String> continues,
                List<SecretMount> secrets,
                boolean cacheable)
                implements Payload {
            public Command {
                Objects.requireNonNull(step, "step");
                inputs = List.copyOf(inputs);
                Objects.requireNonNull(continuesStep, "continues_step");
                continues = List.copyOf(continues);
                secrets = List.copyOf(secrets);
            }

            /** A step without chain, secrets or cache switch: cached unless its command says otherwise. */
            Command(CommandStep step, List<Input> inputs) {
                this(step, inputs, Optional.empty(), List.of(), List.of(), step.cache());
            }
        }

        /** A pipeline step of another capability: its environment and inputs. */
        record Capability(SortedMap<String, String> env, List<Input> inputs) implements Payload {
            public Capability {
                env = new TreeMap<>(env);
                inputs = List.copyOf(inputs);
            }
        }

        /** A seed-003 runner: its input object. */
        record Runner(ObjectNode input) implements Payload {
            public Runner {
                input = input.deepCopy();
            }
        }
    }

    /** An input of a step, resolved against the plan (but not yet against the run's context). */
    sealed interface Input {

        /** Content by id, placed at {@code to}. */
        record Artifact(String artifactId, String to) implements Input {
            public Artifact {
                Objects.requireNonNull(artifactId, "artifact_id");
                Objects.requireNonNull(to, "to");
            }
        }

        /**
         * The outputs of upstream steps matching {@code glob}, under {@code to}.
         *
         * @param step the upstream step as written in the spec
         * @param sources the upstream states' step ids whose records hold the outputs
         */
        record FromStep(String step, List<String> sources, String glob, String to) implements Input {
            public FromStep {
                Objects.requireNonNull(step, "step");
                sources = List.copyOf(sources);
                Objects.requireNonNull(glob, "glob");
                Objects.requireNonNull(to, "to");
            }
        }
    }
}
