package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Optional;

/**
 * A submitter's view of a server's artifact store through {@link CairnClient}: uploads (streamed,
 * checked against the id the client computed), existence, and reads (verified). What {@code cairn
 * submit} stores a pipeline's local inputs in.
 */
final class ClientUploads implements ArtifactStore {

    private final CairnClient client;

    ClientUploads(CairnClient client) {
        this.client = client;
    }

    /** The server's {@code X-Cairn-Artifact-Kind} for {@code kind}: the kind's name. */
    static String kindName(ArtifactKind kind) {
        return switch (kind) {
            case ArtifactKind.Manifest m -> "Manifest";
            case ArtifactKind.ContextSnapshot c -> "ContextSnapshot";
            case ArtifactKind.FactPayload f -> "FactPayload";
            case ArtifactKind.SecretPayload s -> "SecretPayload";
            case ArtifactKind.Output o -> "Output";
            case ArtifactKind.Other other -> other.value();
        };
    }

    @Override
    public ArtifactId put(ArtifactKind kind, byte[] bytes) {
        return putStream(kind, new ByteArrayInputStream(bytes));
    }

    @Override
    public ArtifactId putStream(ArtifactKind kind, InputStream content) {
        return new ArtifactId(
                client.upload(content, Optional.of(kindName(kind))).artifactId());
    }

    @Override
    public byte[] get(ArtifactId id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.download(id.value(), out);
        return out.toByteArray();
    }

    @Override
    public boolean exists(ArtifactId id) {
        return client.head(id.value()).isPresent();
    }
}
