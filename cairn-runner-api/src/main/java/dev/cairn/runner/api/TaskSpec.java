package dev.cairn.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.WireDefault;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The task a lease hands to a runner: which capability to run, on which inputs, where outputs go,
 * and the scheduler's bookkeeping (attempts, billing).
 *
 * <p>Wire form: the seed's {@code TaskSpec}, snake_case. Only {@code id} and {@code capability} are
 * required. {@code capability_filters} and {@code meta} are free JSON ({@code serde_json::Value}
 * with {@code #[serde(default)]}): absent reads as JSON {@code null}. {@code inputs_cids} absent
 * reads as empty. Every other field is optional and written as {@code null} when empty.
 *
 * <p>Types follow the Rust reference: {@code Uuid} is {@link UUID}; {@code DateTime<Utc>} is
 * {@link Instant} (RFC 3339, written in UTC); {@code i64} is {@code priority}, which may be
 * negative; the {@code u64} counters ({@code attempts}, {@code max_attempts}, {@code
 * deps_remaining}) refuse negative values and values above {@link Long#MAX_VALUE}. Money amounts
 * ({@code estimated_credit_cost}, {@code debited_amount}) stay decimal strings, as in the reference,
 * so no precision is lost.
 */
public record TaskSpec(
        UUID id,
        Optional<UUID> jobId,
        String capability,
        @WireDefault JsonNode capabilityFilters,
        @WireDefault List<String> inputsCids,
        Optional<String> outputsPrefix,
        Optional<String> label,
        Optional<String> stage,
        @WireDefault JsonNode meta,
        Optional<Long> priority,
        Optional<Long> attempts,
        Optional<Long> maxAttempts,
        Optional<Long> depsRemaining,
        Optional<String> status,
        Optional<String> mode,
        Optional<String> organizationFilter,
        Optional<String> billingUnits,
        Optional<String> estimatedCreditCost,
        Optional<String> debitedAmount,
        Optional<Instant> debitedAt,
        Optional<Instant> leaseExpiresAt) {

    public TaskSpec {
        Checks.required(id, "id");
        Checks.optional(jobId, "job_id");
        Checks.required(capability, "capability");
        capabilityFilters = Checks.valueOrNull(capabilityFilters);
        inputsCids = Checks.strings(inputsCids, "inputs_cids");
        Checks.optional(outputsPrefix, "outputs_prefix");
        Checks.optional(label, "label");
        Checks.optional(stage, "stage");
        meta = Checks.valueOrNull(meta);
        Checks.optional(priority, "priority");
        Checks.unsigned(attempts, "attempts");
        Checks.unsigned(maxAttempts, "max_attempts");
        Checks.unsigned(depsRemaining, "deps_remaining");
        Checks.optional(status, "status");
        Checks.optional(mode, "mode");
        Checks.optional(organizationFilter, "organization_filter");
        Checks.optional(billingUnits, "billing_units");
        Checks.optional(estimatedCreditCost, "estimated_credit_cost");
        Checks.optional(debitedAmount, "debited_amount");
        Checks.optional(debitedAt, "debited_at");
        Checks.optional(leaseExpiresAt, "lease_expires_at");
    }

    /** A copy of the capability filters (JSON is mutable; the record's own tree is not handed out). */
    @Override
    public JsonNode capabilityFilters() {
        return capabilityFilters.deepCopy();
    }

    /** A copy of the free-form metadata. */
    @Override
    public JsonNode meta() {
        return meta.deepCopy();
    }

    /** A task with only the required fields set; every optional field empty. */
    public static Builder builder(UUID id, String capability) {
        return new Builder(id, capability);
    }

    /** A builder holding this task's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(id, capability);
        b.jobId = jobId;
        b.capabilityFilters = capabilityFilters;
        b.inputsCids = inputsCids;
        b.outputsPrefix = outputsPrefix;
        b.label = label;
        b.stage = stage;
        b.meta = meta;
        b.priority = priority;
        b.attempts = attempts;
        b.maxAttempts = maxAttempts;
        b.depsRemaining = depsRemaining;
        b.status = status;
        b.mode = mode;
        b.organizationFilter = organizationFilter;
        b.billingUnits = billingUnits;
        b.estimatedCreditCost = estimatedCreditCost;
        b.debitedAmount = debitedAmount;
        b.debitedAt = debitedAt;
        b.leaseExpiresAt = leaseExpiresAt;
        return b;
    }

    /** Builds a {@link TaskSpec}; unset fields take the wire defaults (empty, JSON {@code null}, []). */
    public static final class Builder {
        private UUID id;
        private String capability;
        private Optional<UUID> jobId = Optional.empty();
        private JsonNode capabilityFilters;
        private List<String> inputsCids = List.of();
        private Optional<String> outputsPrefix = Optional.empty();
        private Optional<String> label = Optional.empty();
        private Optional<String> stage = Optional.empty();
        private JsonNode meta;
        private Optional<Long> priority = Optional.empty();
        private Optional<Long> attempts = Optional.empty();
        private Optional<Long> maxAttempts = Optional.empty();
        private Optional<Long> depsRemaining = Optional.empty();
        private Optional<String> status = Optional.empty();
        private Optional<String> mode = Optional.empty();
        private Optional<String> organizationFilter = Optional.empty();
        private Optional<String> billingUnits = Optional.empty();
        private Optional<String> estimatedCreditCost = Optional.empty();
        private Optional<String> debitedAmount = Optional.empty();
        private Optional<Instant> debitedAt = Optional.empty();
        private Optional<Instant> leaseExpiresAt = Optional.empty();

        private Builder(UUID id, String capability) {
            this.id = id;
            this.capability = capability;
        }

        public Builder id(UUID value) {
            this.id = value;
            return this;
        }

        public Builder capability(String value) {
            this.capability = value;
            return this;
        }

        public Builder jobId(UUID value) {
            this.jobId = Optional.ofNullable(value);
            return this;
        }

        public Builder capabilityFilters(JsonNode value) {
            this.capabilityFilters = value;
            return this;
        }

        public Builder inputsCids(List<String> value) {
            this.inputsCids = value;
            return this;
        }

        public Builder outputsPrefix(String value) {
            this.outputsPrefix = Optional.ofNullable(value);
            return this;
        }

        public Builder label(String value) {
            this.label = Optional.ofNullable(value);
            return this;
        }

        public Builder stage(String value) {
            this.stage = Optional.ofNullable(value);
            return this;
        }

        public Builder meta(JsonNode value) {
            this.meta = value;
            return this;
        }

        public Builder priority(Long value) {
            this.priority = Optional.ofNullable(value);
            return this;
        }

        public Builder attempts(Long value) {
            this.attempts = Optional.ofNullable(value);
            return this;
        }

        public Builder maxAttempts(Long value) {
            this.maxAttempts = Optional.ofNullable(value);
            return this;
        }

        public Builder depsRemaining(Long value) {
            this.depsRemaining = Optional.ofNullable(value);
            return this;
        }

        public Builder status(String value) {
            this.status = Optional.ofNullable(value);
            return this;
        }

        public Builder mode(String value) {
            this.mode = Optional.ofNullable(value);
            return this;
        }

        public Builder organizationFilter(String value) {
            this.organizationFilter = Optional.ofNullable(value);
            return this;
        }

        public Builder billingUnits(String value) {
            this.billingUnits = Optional.ofNullable(value);
            return this;
        }

        public Builder estimatedCreditCost(String value) {
            this.estimatedCreditCost = Optional.ofNullable(value);
            return this;
        }

        public Builder debitedAmount(String value) {
            this.debitedAmount = Optional.ofNullable(value);
            return this;
        }

        public Builder debitedAt(Instant value) {
            this.debitedAt = Optional.ofNullable(value);
            return this;
        }

        public Builder leaseExpiresAt(Instant value) {
            this.leaseExpiresAt = Optional.ofNullable(value);
            return this;
        }

        /** Validates and builds; a bad value is a {@link RunnerException} with code {@code invalid_lease}. */
        public TaskSpec build() {
            return new TaskSpec(
                    id,
                    jobId,
                    capability,
                    capabilityFilters,
                    inputsCids,
                    outputsPrefix,
                    label,
                    stage,
                    meta,
                    priority,
                    attempts,
                    maxAttempts,
                    depsRemaining,
                    status,
                    mode,
                    organizationFilter,
                    billingUnits,
                    estimatedCreditCost,
                    debitedAmount,
                    debitedAt,
                    leaseExpiresAt);
        }
    }
}
