package dev.cairn.machine.runtime.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.Secrets;
import dev.cairn.json.StrictJson;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@link FactLedger} of one attempt: the run's {@link FactIndex}, the artifact store, and a sink
 * that places {@code fact_recorded} events in the attempt's event stream (the engine appends them
 * with the attempt's other events, before its terminal event).
 *
 * <p>Payloads are stored with {@link ArtifactStore#putDeferred} before their event reaches the sink;
 * whoever makes that event durable calls {@link ArtifactStore#sync()} first (the engine's run writer
 * does, at every append).
 */
public final class StoreFactLedger implements FactLedger {

    private final FactIndex index;
    private final ArtifactStore artifacts;
    private final Consumer<DomainEvent> sink;

    /** The last payload recorded (or found bound already), for {@link #payload} to read it back. */
    private volatile Recorded last;

    private record Recorded(ArtifactId id, byte[] canonical) {}

    /**
     * @param index the run's bindings
     * @param artifacts where payloads are stored
     * @param sink receives each new {@code fact_recorded} event
     */
    public StoreFactLedger(FactIndex index, ArtifactStore artifacts, Consumer<DomainEvent> sink) {
        this.index = Objects.requireNonNull(index, "index");
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public Optional<ArtifactId> lookup(FactKey key) {
        return index.get(key);
    }

    @Override
    public JsonNode payload(ArtifactId payloadId) {
        Recorded last = this.last;
        // The payload this ledger just recorded (a live call reads its response back): its canonical
        // bytes are the ones stored under that id, so reading them from the store (and hashing them
        // again to verify) would give the same bytes.
        byte[] bytes = last != null && last.id().equals(payloadId) ? last.canonical() : artifacts.get(payloadId);
        try {
            return StrictJson.parse(bytes);
        } catch (JsonException e) {
            throw invalidPayload(payloadId, "is not JSON (" + e.code() + ")");
        }
    }

    @Override
    public ArtifactId record(FactKey key, JsonNode value, JsonNode meta) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(meta, "meta");
        refuseSecrets(key, value, "value");
        refuseSecrets(key, meta, "meta");
        if (Secrets.credentialIn(key.value()).isPresent()) {
            throw secret(key, List.of("(the fact key)"));
        }
        byte[] canonical;
        try {
            canonical = Canonical.canonicalize(value);
        } catch (JsonException e) {
            ErrorInfo info = ErrorInfo.of(
                    IoCodes.FACT_NOT_CANONICAL,
                    ErrorCategory.PARSING_INPUT,
                    false,
                    "the value for fact `" + key + "` has no canonical JSON form (" + e.code() + " at " + e.path()
                            + ")");
            throw new IoException(
                    new IoError.Other(info), "Record JSON without non-finite numbers or lone surrogates.", e);
        }
        ArtifactId id = new ArtifactId(ArtifactIds.ofBytes(canonical));
        this.last = new Recorded(id, canonical);
        Optional<ArtifactId> bound = index.get(key);
        if (bound.isPresent()) {
            return sameOrConflict(key, bound.get(), id);
        }
        // No exists() first: a payload is nearly always new (a response, a clock reading, a nonce),
        // and putDeferred of bytes already held stores nothing (content addressing), so asking
        // first only doubled the store's lookups.
        artifacts.putDeferred(new ArtifactKind.FactPayload(), canonical);
        Optional<ArtifactId> previous = index.bindIfAbsent(key, id);
        if (previous.isPresent()) {
            return sameOrConflict(key, previous.get(), id);
        }
        sink.accept(factRecorded(key, id, meta));
        return id;
    }

    /**
     * {@code new FactRecorded(key, payloadId, meta).toDomainEvent()}, built directly: the same tree
     * (the fields of {@link FactRecorded} in its order, ids as their strings; {@link DomainEvent}
     * copies and normalizes the payload, {@code meta} included) without the record's round trip
     * through the wire codec, which cost two fact records per task a tree built, copied and
     * converted. {@code StoreFactLedgerTest} holds it to {@code toDomainEvent()}.
     */
    static DomainEvent factRecorded(FactKey key, ArtifactId payloadId, JsonNode meta) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("key", key.value());
        payload.put("payload_id", payloadId.value());
        payload.set("meta", meta);
        return DomainEvent.of(DomainEvent.DOMAIN_EVENT_FACT_RECORDED, payload);
    }

    private static ArtifactId sameOrConflict(FactKey key, ArtifactId bound, ArtifactId id) {
        if (bound.equals(id)) {
            return bound;
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("key", key.value());
        details.put("bound_payload_id", bound.value());
        details.put("new_payload_id", id.value());
        ErrorInfo info = ErrorInfo.of(
                        IoCodes.FACT_CONFLICT,
                        ErrorCategory.STORAGE,
                        false,
                        "fact `" + key + "` is already recorded with another payload")
                .withDetails(details);
        throw new IoException(
                new IoError.Other(info),
                "A fact key names one fact per run; use a key that identifies this request (e.g. include its"
                        + " parameters).",
                null);
    }

    private static void refuseSecrets(FactKey key, JsonNode node, String what) {
        List<String> pointers = Secrets.pointers(node);
        if (!pointers.isEmpty()) {
            throw secret(key, pointers.stream().map(p -> what + p).toList());
        }
    }

    private static IoException secret(FactKey key, List<String> pointers) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("key", Secrets.credentialIn(key.value()).isPresent() ? "(redacted)" : key.value());
        ArrayNode at = details.putArray("pointers");
        pointers.forEach(at::add);
        ErrorInfo info = ErrorInfo.of(
                        IoCodes.SECRET_IN_FACT,
                        ErrorCategory.PARSING_INPUT,
                        false,
                        "refusing to record a fact that holds values that look like secrets, at "
                                + String.join(", ", pointers))
                .withDetails(details);
        return new IoException(
                new IoError.Other(info),
                "Facts are persisted; strip credentials from the response before it is recorded, or call"
                        + " without a fact key.",
                null);
    }

    private static IoException invalidPayload(ArtifactId id, String why) {
        ErrorInfo info = ErrorInfo.of(
                IoCodes.FACT_PAYLOAD_INVALID, ErrorCategory.STORAGE, false, "fact payload " + id + " " + why);
        return new IoException(
                new IoError.Other(info), "The artifact store holds a payload Cairn did not write.", null);
    }

    /** {@code fact_payload_invalid}: a payload that does not have the shape its reader expects. */
    static IoException payloadShape(ArtifactId id, String expected) {
        return invalidPayload(id, "is not " + expected);
    }
}
