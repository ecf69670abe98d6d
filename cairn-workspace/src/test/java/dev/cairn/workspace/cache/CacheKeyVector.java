package dev.cairn.workspace.cache;

import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.Run;
import dev.cairn.workspace.TreeId;
import java.util.Map;

/** The golden cache-key input; run as a program, prints its key (for the cross-JVM test). */
public final class CacheKeyVector {

    /** Computed independently (Python's json, hashlib, hmac) from golden/CacheKeyPreimage/sample.json. */
    static final String KEY = "ebf21fcd0acb03fcaf819387d80be73a136eea09b8a2b29cde2b975d4f6930a7";

    static final String VERSION_DIGEST = "ef30a4f82fd22b232bc3a8c716c59e2383bf17bd05684b9013df3168b49e4691";

    private CacheKeyVector() {}

    static HostKey hostKey() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        return HostKey.of(key);
    }

    static CacheKeyInput.Builder input() {
        CommandStep step = CommandStep.builder(new Run.Script("/bin/bash", "make test"))
                .cell(CellProfile.SANDBOX)
                .network(NetworkGrant.allow("registry.npmjs.org:443"))
                .output("dist/**")
                .output("report.json")
                .workdir("app")
                .build();
        return CacheKeyInput.forStep(step)
                .env(Map.of("LANG", "C.UTF-8", "CI", "1"))
                .input("workspace", new TreeId("a6a20076da005b27c9afc3a5d5b2457798c0ac817d1abc38b2fee4398ac3f133"))
                .parentSnapshot(new TreeId("a846cc5e3f4fb2afddb00c1e31248535a25a427cb0c2990d6d51d7bfeb0f38ca"))
                .executorVersion("cairn-command/1")
                .secret("NPM_TOKEN", "env:NPM_TOKEN", "v7");
    }

    public static void main(String[] args) {
        System.out.println(CacheKey.of(input().build(), hostKey()).value());
    }
}
