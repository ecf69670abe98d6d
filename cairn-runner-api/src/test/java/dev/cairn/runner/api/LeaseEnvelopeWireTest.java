package dev.cairn.runner.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeaseEnvelopeWireTest {

    static final UUID TASK_ID = UUID.fromString("6f1c2a8e-3b4d-4c5e-9f60-7a8b9c0d1e2f");
    static final UUID JOB_ID = UUID.fromString("9a7b6c5d-4e3f-4a1b-8c2d-1e0f9a8b7c6d");
    static final UUID DOMAIN_ID = UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");

    static TaskSpec fullTask() {
        ObjectNode filters =
                JsonNodeFactory.instance.objectNode().put("gpu", true).put("min_memory_gb", 8);
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("owner", "ops");
        meta.putArray("tags").add("a").add("b");
        return TaskSpec.builder(TASK_ID, "/examples/hello/v1")
                .jobId(JOB_ID)
                .capabilityFilters(filters)
                .inputsCids(List.of("bafkreihello", "bafkreiworld"))
                .outputsPrefix("jobs/42/outputs")
                .label("hello")
                .stage("demo")
                .meta(meta)
                .priority(-3L)
                .attempts(1L)
                .maxAttempts(3L)
                .depsRemaining(0L)
                .status("leased")
                .mode("batch")
                .organizationFilter("org-7")
                .billingUnits("gpu-seconds")
                .estimatedCreditCost("12.50")
                .debitedAmount("0.125")
                .debitedAt(Instant.parse("2026-11-23T05:59:59.000001Z"))
                .leaseExpiresAt(Instant.parse("2026-11-23T06:05:30.250Z"))
                .build();
    }

    static LeaseEnvelope fullLease() {
        return LeaseEnvelope.builder(fullTask())
                .accessToken("tok-7f3a")
                .accessTokenExpiresAt(Instant.parse("2026-11-23T06:00:00Z"))
                .leaseExpiresAt(Instant.parse("2026-11-23T06:05:30.250Z"))
                .status("leased")
                .domainId(DOMAIN_ID)
                .domainServerUrl(URI.create("https://domain.example/api/"))
                .build();
    }

    @Test
    void fullLeaseMatchesTheGoldenFileAndReadsBack() {
        assertThat(Golden.parse(Wire.write(fullLease()))).isEqualTo(Golden.tree("lease_envelope.full.json"));
        assertThat(Wire.read(Golden.text("lease_envelope.full.json"), LeaseEnvelope.class))
                .isEqualTo(fullLease());
    }

    @Test
    void onlyTheTaskIsRequiredAndDefaultsAreSerdes() {
        LeaseEnvelope lease = Wire.read(Golden.text("lease_envelope.minimal.json"), LeaseEnvelope.class);
        assertThat(lease.cancel()).isFalse();
        assertThat(lease.accessToken()).isEmpty();
        assertThat(lease.domainServerUrl()).isEmpty();
        assertThat(lease.task().inputsCids()).isEmpty();
        assertThat(lease.task().capabilityFilters()).isEqualTo(NullNode.getInstance());
        assertThat(lease.task().meta()).isEqualTo(NullNode.getInstance());
        assertThat(lease)
                .isEqualTo(LeaseEnvelope.builder(
                                TaskSpec.builder(TASK_ID, "/examples/hello/v1").build())
                        .build());
        assertThat(Golden.parse(Wire.write(lease))).isEqualTo(Golden.tree("lease_envelope.minimal.written.json"));
        // What Cairn writes, Cairn (and serde) reads back unchanged.
        assertThat(Wire.read(Golden.text("lease_envelope.minimal.written.json"), LeaseEnvelope.class))
                .isEqualTo(lease);
    }

    @Test
    void minimalTaskSpecMatchesItsGoldenFiles() {
        TaskSpec task = Wire.read(Golden.text("task_spec.minimal.json"), TaskSpec.class);
        assertThat(task)
                .isEqualTo(TaskSpec.builder(TASK_ID, "/examples/hello/v1").build());
        assertThat(Golden.parse(Wire.write(task))).isEqualTo(Golden.tree("task_spec.minimal.written.json"));
    }

    @Test
    void explicitNullsReadAsTheDefaults() {
        String json = Golden.text("lease_envelope.minimal.written.json");
        LeaseEnvelope lease = Wire.read(json, LeaseEnvelope.class);
        assertThat(lease.task().capabilityFilters()).isEqualTo(NullNode.getInstance());
        assertThat(lease.task().jobId()).isEmpty();
    }

    @Test
    void timestampsAreRfc3339AndNormalizedToUtc() {
        String json = Golden.text("lease_envelope.full.json")
                .replace("\"2026-11-23T06:00:00Z\"", "\"2026-11-23T08:00:00+02:00\"");
        LeaseEnvelope lease = Wire.read(json, LeaseEnvelope.class);
        assertThat(lease.accessTokenExpiresAt()).contains(Instant.parse("2026-11-23T06:00:00Z"));
        assertThat(Golden.parse(Wire.write(lease))
                        .get("access_token_expires_at")
                        .textValue())
                .isEqualTo("2026-11-23T06:00:00Z");
    }

    @Test
    void priorityMayBeNegativeAsInTheReferenceTests() {
        String json = "{\"id\":\"" + TASK_ID + "\",\"capability\":\"/dummy/v1\",\"capability_filters\":{},"
                + "\"inputs_cids\":[],\"meta\":{},\"priority\":-3}";
        TaskSpec task = Wire.read(json, TaskSpec.class);
        assertThat(task.priority()).contains(-3L);
        assertThat(task.capabilityFilters()).isEqualTo(JsonNodeFactory.instance.objectNode());
    }

    @Test
    void unknownFieldsSuchAsPeerCredentialsAreIgnored() {
        String json = Golden.text("lease_envelope.full.json")
                .replace("\"cancel\": false", "\"cancel\": false, \"p2p_access_token\": \"internal\"");
        assertThat(Wire.read(json, LeaseEnvelope.class)).isEqualTo(fullLease());
    }

    @Test
    void aUrlWithAnEmptyPathGetsASlashAsRustsUrlCrateWritesIt() {
        LeaseEnvelope lease = fullLease().toBuilder()
                .domainServerUrl(URI.create("https://domain.example"))
                .build();
        assertThat(lease.domainServerUrl()).contains(URI.create("https://domain.example/"));
        assertThat(Golden.parse(Wire.write(lease)).get("domain_server_url").textValue())
                .isEqualTo("https://domain.example/");
    }

    @Test
    void toStringNeverShowsTheAccessToken() {
        String text = fullLease().toString();
        assertThat(text).doesNotContain("tok-7f3a").contains("accessToken=<redacted>");
        assertThat(text).contains(TASK_ID.toString());
    }

    @Test
    void jsonValuesAreCopiedSoTheRecordStaysImmutable() {
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("k", 1);
        TaskSpec task = TaskSpec.builder(TASK_ID, "/x/v1").meta(meta).build();
        meta.put("k", 2);
        ((ObjectNode) task.meta()).put("k", 3);
        assertThat(task.meta().get("k").intValue()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ bad input

    private static JsonException readFails(String json, Class<?> type) {
        try {
            Wire.read(json, type);
        } catch (JsonException e) {
            return e;
        }
        throw new AssertionError("expected a JsonException for " + json);
    }

    @Test
    void aMissingTaskIsAMissingField() {
        JsonException e = readFails("{\"cancel\":true}", LeaseEnvelope.class);
        assertThat(e.code()).isEqualTo("missing_field");
        assertThat(e.path()).isEqualTo("/task");
    }

    @Test
    void aTaskWithoutIdOrCapabilityIsRefused() {
        JsonException noId = readFails("{\"task\":{\"capability\":\"/x/v1\"}}", LeaseEnvelope.class);
        assertThat(noId.code()).isEqualTo("missing_field");
        assertThat(noId.path()).isEqualTo("/task/id");
        JsonException noCapability = readFails("{\"id\":\"" + TASK_ID + "\"}", TaskSpec.class);
        assertThat(noCapability.path()).isEqualTo("/capability");
        JsonException nullCapability = readFails("{\"id\":\"" + TASK_ID + "\",\"capability\":null}", TaskSpec.class);
        assertThat(nullCapability.code()).isEqualTo("invalid_lease");
        assertThat(nullCapability.getMessage()).contains("capability");
    }

    @Test
    void wrongTypesAreRefusedWithAPointer() {
        String full = Golden.text("lease_envelope.full.json");
        JsonException cancel = readFails(full.replace("\"cancel\": false", "\"cancel\": \"no\""), LeaseEnvelope.class);
        assertThat(cancel.code()).isEqualTo("wire_format");
        assertThat(cancel.path()).isEqualTo("/cancel");

        JsonException attempts = readFails(full.replace("\"attempts\": 1", "\"attempts\": \"1\""), LeaseEnvelope.class);
        assertThat(attempts.path()).isEqualTo("/task/attempts");

        JsonException fractional =
                readFails(full.replace("\"priority\": -3", "\"priority\": 1.5"), LeaseEnvelope.class);
        assertThat(fractional.path()).isEqualTo("/task/priority");

        JsonException uuid = readFails(
                full.replace("\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\"", "\"not-a-uuid\""), LeaseEnvelope.class);
        assertThat(uuid.path()).isEqualTo("/domain_id");

        JsonException time = readFails(full.replace("\"2026-11-23T06:00:00Z\"", "\"yesterday\""), LeaseEnvelope.class);
        assertThat(time.path()).isEqualTo("/access_token_expires_at");

        JsonException cids = readFails(
                full.replace("[\"bafkreihello\", \"bafkreiworld\"]", "[\"bafkreihello\", 7]"), LeaseEnvelope.class);
        assertThat(cids.path()).startsWith("/task/inputs_cids");
    }

    @Test
    void valuesOutsideTheRustTypesAreRefused() {
        String full = Golden.text("lease_envelope.full.json");
        JsonException negative =
                readFails(full.replace("\"max_attempts\": 3", "\"max_attempts\": -1"), LeaseEnvelope.class);
        assertThat(negative.code()).isEqualTo("invalid_lease");
        assertThat(negative.path()).isEqualTo("/task");
        assertThat(negative.getMessage()).contains("max_attempts").contains("-1");

        JsonException relative =
                readFails(full.replace("\"https://domain.example/api/\"", "\"/api/\""), LeaseEnvelope.class);
        assertThat(relative.code()).isEqualTo("invalid_lease");
        // Checked by the record's constructor: the pointer names the object, the message the field.
        assertThat(relative.path()).isEmpty();
        assertThat(relative.getMessage()).contains("domain_server_url");

        JsonException nullCid =
                readFails(full.replace("[\"bafkreihello\", \"bafkreiworld\"]", "[null]"), LeaseEnvelope.class);
        assertThat(nullCid.code()).isEqualTo("invalid_lease");
        assertThat(nullCid.getMessage()).contains("inputs_cids[0]");

        JsonException tooBig =
                readFails(full.replace("\"attempts\": 1", "\"attempts\": 18446744073709551615"), LeaseEnvelope.class);
        assertThat(tooBig.path()).isEqualTo("/task/attempts");
    }

    @Test
    void theBuilderValidatesToo() {
        assertThatThrownBy(
                        () -> TaskSpec.builder(TASK_ID, "/x/v1").attempts(-2L).build())
                .isInstanceOf(RunnerException.class)
                .extracting(e -> ((RunnerException) e).code())
                .isEqualTo("invalid_lease");
        assertThatThrownBy(() -> LeaseEnvelope.builder(null).build())
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("task");
    }

    // ------------------------------------------------------------------ random round trips

    @Test
    void randomLeasesRoundTrip() {
        long seed = Long.getLong("cairn.seed", new Random().nextLong());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            LeaseEnvelope lease = randomLease(random);
            String json = Wire.write(lease);
            assertThat(Wire.read(json, LeaseEnvelope.class)).as(json).isEqualTo(lease);
            JsonNode tree = Golden.parse(json);
            assertThat(tree.size()).isEqualTo(8);
            assertThat(tree.get("task").size()).isEqualTo(21);
        }
    }

    private static LeaseEnvelope randomLease(Random r) {
        TaskSpec.Builder task =
                TaskSpec.builder(new UUID(r.nextLong(), r.nextLong()), "/cap/" + r.nextInt(100) + "/v1");
        if (r.nextBoolean()) {
            task.jobId(new UUID(r.nextLong(), r.nextLong()));
        }
        if (r.nextBoolean()) {
            task.inputsCids(List.of("cid" + r.nextInt(), "cid" + r.nextInt()));
        }
        if (r.nextBoolean()) {
            task.meta(JsonNodeFactory.instance
                    .objectNode()
                    .put("n", r.nextDouble())
                    .put("s", "é\t\"" + r.nextInt()));
        }
        if (r.nextBoolean()) {
            task.priority(r.nextLong());
        }
        if (r.nextBoolean()) {
            task.attempts(r.nextLong() & Long.MAX_VALUE);
        }
        if (r.nextBoolean()) {
            task.debitedAt(Instant.ofEpochSecond(r.nextInt(Integer.MAX_VALUE), r.nextInt(1_000_000_000)));
        }
        if (r.nextBoolean()) {
            task.estimatedCreditCost(r.nextInt(1000) + "." + r.nextInt(100));
        }
        LeaseEnvelope.Builder lease = LeaseEnvelope.builder(task.build()).cancel(r.nextBoolean());
        if (r.nextBoolean()) {
            lease.accessToken("t" + r.nextLong());
        }
        if (r.nextBoolean()) {
            lease.leaseExpiresAt(Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L)));
        }
        if (r.nextBoolean()) {
            lease.domainServerUrl(URI.create("https://d" + r.nextInt(10) + ".example/x/"));
        }
        return lease.build();
    }
}
