package dev.cairn.json.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.cairn.json.wire.WireFixtures.Holder;
import dev.cairn.json.wire.WireFixtures.Outer;
import dev.cairn.json.wire.WireFixtures.Profile;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The wire deserializers are built once per mapper and type, as Jackson's own are: a decoder that
 * rebuilt them on every read made reading a long event log tens of times slower.
 */
class WireDeserializerCacheTest {

    /** Counts how often Jackson builds a deserializer for each type. */
    private static final class Builds extends BeanDeserializerModifier {
        private static final long serialVersionUID = 1L;
        final Map<Class<?>, AtomicInteger> counts = new ConcurrentHashMap<>();

        @Override
        public JsonDeserializer<?> modifyDeserializer(
                DeserializationConfig config, BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
            counts.computeIfAbsent(beanDesc.getBeanClass(), t -> new AtomicInteger())
                    .incrementAndGet();
            return deserializer;
        }

        int of(Class<?> type) {
            AtomicInteger count = counts.get(type);
            return count == null ? 0 : count.get();
        }
    }

    @Test
    void familiesVariantsAndTransparentRecordsAreBuiltOncePerMapper() throws Exception {
        ObjectMapper mapper = Wire.newMapper();
        Builds builds = new Builds();
        mapper.registerModule(new SimpleModule("count-builds").setDeserializerModifier(builds));
        String json = "{\"items\":[{\"Inner\":{\"FanOutJoin\":{\"max_concurrency\":4}}},{\"Inner\":\"Minimal\"},"
                + "{\"Inner\":{\"Custom\":\"x\"}}],\"status\":\"in-flight\","
                + "\"run\":\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\"}";

        Holder first = mapper.readValue(json, Holder.class);
        for (int i = 0; i < 50; i++) {
            assertThat(mapper.readValue(json, Holder.class)).isEqualTo(first);
            assertThat(mapper.readValue("{\"FanOutJoin\":{\"max_concurrency\":4}}", Profile.FanOutJoin.class))
                    .isEqualTo(new Profile.FanOutJoin(4));
        }

        for (Class<?> type : new Class<?>[] {
            Holder.class, Outer.Inner.class, Profile.FanOutJoin.class, Profile.Custom.class, WireFixtures.RunRef.class
        }) {
            assertThat(builds.of(type))
                    .as("deserializers built for %s", type.getSimpleName())
                    .isEqualTo(1);
        }
    }
}
