package dev.cairn.sinks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.StrictJson;
import dev.cairn.sinks.SinkException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The events section of a configuration: every field, defaults, round trip, positioned errors. */
class EventsConfigsTest {

    private static final String FULL =
            """
            {
              "source": "build-01.example.com",
              "sinks": [
                {"name": "audit", "jsonl": {"path": "/var/log/cairn/events.jsonl", "fsync": "never", "rotate_bytes": 1048576}},
                {"name": "ci", "types": ["dev.cairn.run.*", "dev.cairn.state.failed.v1"],
                 "webhook": {"url": "https://ci.example.com/hooks/cairn", "secret": "CI_WEBHOOK_SECRET",
                             "bearer": "CI_TOKEN", "connect_timeout": "2s", "timeout": "1500ms", "max_attempts": 8,
                             "backoff": "250ms", "max_backoff": "1m"}},
                {"name": "bus", "from": "now",
                 "nats": {"url": ["nats://10.0.0.1:4222", "nats://10.0.0.2:4222"], "stream": "BUILD_EVENTS",
                          "subject_prefix": "build.events", "create_stream": false, "duplicate_window": "10m",
                          "connect_timeout": "3s", "publish_timeout": "7s", "token": "NATS_TOKEN"}}
              ]
            }
            """;

    @Test
    void everyFieldIsReadAndWrittenBack() {
        EventsConfig config = EventsConfigs.parse(StrictJson.parse(FULL));

        assertThat(config.source()).contains("build-01.example.com");
        assertThat(config.sinks()).extracting(EventSinkConfig::name).containsExactly("audit", "ci", "bus");
        assertThat(config.sinks().get(0).target())
                .isEqualTo(new SinkTarget.JsonLines(
                        Path.of("/var/log/cairn/events.jsonl"), FsyncPolicy.NEVER, Optional.of(1_048_576L)));
        assertThat(config.sinks().get(1).target())
                .isEqualTo(new SinkTarget.Webhook(
                        URI.create("https://ci.example.com/hooks/cairn"),
                        Optional.of("CI_WEBHOOK_SECRET"),
                        Optional.of("CI_TOKEN"),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(1500),
                        8,
                        Duration.ofMillis(250),
                        Duration.ofMinutes(1)));
        assertThat(config.sinks().get(1).types().accepts("dev.cairn.run.completed.v1"))
                .isTrue();
        assertThat(config.sinks().get(1).types().accepts("dev.cairn.state.failed.v1"))
                .isTrue();
        assertThat(config.sinks().get(1).types().accepts("dev.cairn.state.entered.v1"))
                .isFalse();
        assertThat(config.sinks().get(2).from()).isEqualTo(StartFrom.NOW);
        assertThat(config.sinks().get(2).target())
                .isEqualTo(new SinkTarget.Nats(
                        List.of("nats://10.0.0.1:4222", "nats://10.0.0.2:4222"),
                        "BUILD_EVENTS",
                        "build.events",
                        false,
                        Duration.ofMinutes(10),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(7),
                        Optional.of("NATS_TOKEN")));

        for (EventSinkConfig sink : config.sinks()) {
            JsonNode written = EventsConfigs.toTree(sink);
            assertThat(EventsConfigs.parseSink(written, "")).isEqualTo(sink);
        }
    }

    @Test
    void omittedFieldsTakeTheirDocumentedDefaults() {
        EventsConfig config = EventsConfigs.parse(
                StrictJson.parse(
                        """
                {"sinks": [
                  {"name": "a", "jsonl": {"path": "events.jsonl"}},
                  {"name": "b", "webhook": {"url": "http://127.0.0.1:9000/e"}},
                  {"name": "c", "nats": {"url": "nats://127.0.0.1:4222"}}
                ]}
                """));
        assertThat(config.source()).isEmpty();
        assertThat(config.sinks().get(0).target()).isEqualTo(SinkTarget.JsonLines.at(Path.of("events.jsonl")));
        assertThat(config.sinks().get(0).types()).isEqualTo(TypeFilter.ALL);
        assertThat(config.sinks().get(0).from()).isEqualTo(StartFrom.BEGINNING);
        assertThat(config.sinks().get(1).target())
                .isEqualTo(SinkTarget.Webhook.to(URI.create("http://127.0.0.1:9000/e")));
        assertThat(config.sinks().get(2).target()).isEqualTo(SinkTarget.Nats.at("nats://127.0.0.1:4222"));
        assertThat(EventsConfigs.parse(StrictJson.parse("{}"))).isEqualTo(EventsConfig.NONE);
    }

    @Test
    void errorsNameTheOffendingValueByPointer() {
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"jsonl\": {\"path\": \"x\", \"fsynk\": \"batch\"}}]}",
                "/sinks/0/jsonl/fsynk",
                "unknown field");
        assertError("{\"sinks\": [{\"name\": \"a\"}]}", "/sinks/0", "one of jsonl, webhook or nats");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"jsonl\": {\"path\": \"x\"}, \"nats\": {\"url\": \"nats://h:1\"}}]}",
                "/sinks/0",
                "exactly one");
        assertError(
                "{\"sinks\": [{\"name\": \"A b\", \"jsonl\": {\"path\": \"x\"}}]}", "/sinks/0/name", "not a sink name");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"webhook\": {\"url\": \"ftp://h/x\"}}]}",
                "/sinks/0/webhook/url",
                "http or https");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"webhook\": {\"url\": \"https://u:p@h/x\"}}]}",
                "/sinks/0/webhook/url",
                "user or password");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"webhook\": {\"url\": \"https://h/x\", \"timeout\": \"ten\"}}]}",
                "/sinks/0/webhook/timeout",
                "not a duration");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"webhook\": {\"url\": \"https://h/x\", \"secret\": \"s3cr3t value!\"}}]}",
                "/sinks/0/webhook/secret",
                "name of a secret");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"types\": [\"dev.cairn.*.v1\"], \"jsonl\": {\"path\": \"x\"}}]}",
                "/sinks/0/types/0",
                "type pattern");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"from\": \"yesterday\", \"jsonl\": {\"path\": \"x\"}}]}",
                "/sinks/0/from",
                "beginning or now");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"nats\": {\"url\": \"http://h:4222\"}}]}",
                "/sinks/0/nats/url",
                "nats://");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"nats\": {\"url\": \"nats://h:4222\", \"subject_prefix\": \"a.>\"}}]}",
                "/sinks/0/nats/subject_prefix",
                "wildcards");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"jsonl\": {\"path\": \"x\", \"rotate_bytes\": 10}}]}",
                "/sinks/0/jsonl/rotate_bytes",
                "at least 1024");
        assertError(
                "{\"sinks\": [{\"name\": \"a\", \"jsonl\": {\"path\": \"x\"}}, {\"name\": \"a\", \"jsonl\": {\"path\": \"y\"}}]}",
                "/sinks/1/name",
                "used twice");
        assertError("{\"source\": \"not a host\"}", "/source", "host name");
        assertError("{\"sinks\": {}}", "/sinks", "list");
        assertError("{\"sink\": []}", "/sink", "unknown field");
    }

    @Test
    void durationsAndTypeFiltersReadAsDocumented() {
        assertThat(ConfigDurations.parse("250ms", "/x")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigDurations.parse("2h", "/x")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigDurations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigDurations.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(new TypeFilter(List.of("*")).accepts("dev.cairn.anything.v1"))
                .isTrue();
        assertThat(TypeFilter.ALL.accepts("dev.cairn.anything.v1")).isTrue();
        assertThat(new TypeFilter(List.of("dev.cairn.task.leased.v1")).accepts("dev.cairn.task.leased.v2"))
                .isFalse();
    }

    private static void assertError(String json, String pointer, String fragment) {
        assertThatThrownBy(() -> EventsConfigs.parse(StrictJson.parse(json)))
                .as(json)
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_sink_config");
                    assertThat(e.pointer()).contains(pointer);
                    assertThat(e.getMessage()).contains(fragment);
                    assertThat(e.hint()).contains("docs/events.md");
                });
    }
}
