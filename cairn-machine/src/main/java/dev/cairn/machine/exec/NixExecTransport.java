package dev.cairn.machine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.Wire;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.IoTransport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code nix.exec} transport: runs an app of a Nix flake ({@code nix run <flake> -- <argv>})
 * like {@link ExecTransport} runs a program, after checking the flake against the run's {@code
 * nix_flake_allowlist}. The check happens before anything runs; a refused flake fails with {@code
 * nix_flake_not_allowed}, and a host without {@code nix} fails with {@code nix_not_found} saying so.
 *
 * <p>Allowlist matching is by prefix at a flake-reference boundary: prefix {@code
 * github:willyrgf/mfm} admits {@code github:willyrgf/mfm}, {@code github:willyrgf/mfm#app}, {@code
 * github:willyrgf/mfm/v1.2#app} and {@code github:willyrgf/mfm?ref=x#app}, but not {@code
 * github:willyrgf/mfm-evil#app}. A prefix that itself ends in {@code /}, {@code #} or {@code ?}
 * matches plainly.
 *
 * <p>Request: {@code {"flake":"github:org/repo#app","argv":[…],"env":{…},"cwd":…,"stdin":…,
 * "timeout_ms":…,"max_output_bytes":…}}; response: an {@link ExecResponse}.
 */
public final class NixExecTransport implements IoTransport {

    /** The namespace group of this transport. */
    public static final String NAMESPACE = "nix.exec";

    private final Supplier<Optional<Path>> nix;

    /** Looks {@code nix} up on the engine's {@code PATH} at each call. */
    public NixExecTransport() {
        this(() -> ProcessRunner.which("nix", System.getenv("PATH")));
    }

    /** Uses {@code nix} as the location of the nix binary (empty: not installed). */
    public NixExecTransport(Supplier<Optional<Path>> nix) {
        this.nix = Objects.requireNonNull(nix, "nix");
    }

    /**
     * The request of a {@code nix.exec} call (unknown fields refused).
     *
     * @param flake the flake app reference, e.g. {@code github:org/repo#app}
     * @param argv arguments passed to the app (default none)
     * @param env see {@link ExecRequest#env()}
     * @param inheritEnv see {@link ExecRequest#inheritEnv()}
     * @param cwd see {@link ExecRequest#cwd()}
     * @param stdin see {@link ExecRequest#stdin()}
     * @param timeoutMs see {@link ExecRequest#timeoutMs()}
     * @param maxOutputBytes see {@link ExecRequest#maxOutputBytes()}
     */
    @DenyUnknownFields
    public record NixExecRequest(
            String flake,
            @WireDefault List<String> argv,
            @WireDefault Map<String, String> env,
            Optional<Boolean> inheritEnv,
            Optional<String> cwd,
            Optional<String> stdin,
            Optional<Long> timeoutMs,
            Optional<Integer> maxOutputBytes) {
        public NixExecRequest {
            Objects.requireNonNull(flake, "flake");
            if (flake.isBlank()) {
                throw new IllegalArgumentException("flake must not be empty");
            }
            argv = argv == null ? List.of() : List.copyOf(argv);
            env = env == null ? Map.of() : Map.copyOf(env);
        }
    }

    @Override
    public JsonNode call(IoCall call, IoCallContext context) {
        NixExecRequest request;
        try {
            request = Wire.fromTree(call.request(), NixExecRequest.class);
        } catch (JsonException e) {
            throw invalid(ExecTransport.invalidMessage("nix.exec", e), e);
        } catch (IllegalArgumentException e) {
            throw invalid("the nix.exec request is invalid: " + e.getMessage(), e);
        }
        List<String> allowlist = context.nixFlakeAllowlist();
        if (!allowed(request.flake(), allowlist)) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.put("flake", request.flake());
            var prefixes = details.putArray("nix_flake_allowlist");
            allowlist.forEach(prefixes::add);
            throw new IoException(
                    new IoError.Other(ErrorInfo.of(
                                    ExecCodes.NIX_FLAKE_NOT_ALLOWED,
                                    ErrorCategory.PARSING_INPUT,
                                    false,
                                    "flake `" + request.flake() + "` is not allowed by the run's nix_flake_allowlist "
                                            + allowlist)
                            .withDetails(details)),
                    "Add a prefix of the flake to RunConfig.nix_flake_allowlist, or use an allowed flake.",
                    null);
        }
        Path binary = nix.get()
                .orElseThrow(() -> ExecTransport.failure(
                        ExecCodes.NIX_NOT_FOUND,
                        "nix.exec needs the `nix` binary, and it is not installed on this host (not on PATH)",
                        "Install Nix (https://nixos.org/download), or run this state on a host that has it.",
                        null));
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.add("run");
        argv.add(request.flake());
        argv.add("--");
        argv.addAll(request.argv());
        ExecRequest exec = new ExecRequest(
                argv,
                request.env(),
                request.inheritEnv(),
                request.cwd(),
                request.stdin(),
                request.timeoutMs(),
                request.maxOutputBytes());
        return Wire.toTree(ExecTransport.run(exec, argv));
    }

    /** Whether {@code flake} is under one of {@code prefixes} (see the class comment). */
    public static boolean allowed(String flake, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (prefix.isEmpty() || !flake.startsWith(prefix)) {
                continue;
            }
            if (flake.length() == prefix.length()) {
                return true;
            }
            char last = prefix.charAt(prefix.length() - 1);
            char next = flake.charAt(prefix.length());
            if (last == '/' || last == '#' || last == '?' || next == '/' || next == '#' || next == '?') {
                return true;
            }
        }
        return false;
    }

    private static IoException invalid(String message, Throwable cause) {
        return new IoException(
                new IoError.Other(
                        ErrorInfo.of(ExecCodes.EXEC_REQUEST_INVALID, ErrorCategory.PARSING_INPUT, false, message)),
                "A nix.exec request is {\"flake\":\"github:org/repo#app\", \"argv\":[…], …}.",
                cause);
    }
}
