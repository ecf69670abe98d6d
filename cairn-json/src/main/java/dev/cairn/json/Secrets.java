package dev.cairn.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds values that look like secrets in JSON, so that they are refused before anything is
 * persisted (manifests, events, snapshots, cache keys: architecture promise P6). Findings are
 * reported as JSON Pointers and a {@link SecretKind}, never with the value, so error messages
 * cannot leak what they report.
 *
 * <p>Two rules, applied to the whole tree (any depth, no recursion):
 *
 * <ol>
 *   <li><b>Secret-named keys.</b> A non-empty string under a key whose name says secret. The key is
 *       split into words (separators {@code -}, {@code _}, {@code .}, space, and camelCase, case
 *       ignored); trailing qualifier words ({@code value}, {@code pem}, {@code b64}, {@code base64},
 *       {@code hex}, {@code raw}, {@code plain}, {@code plaintext}, {@code text}, {@code str},
 *       {@code string}, {@code data}, {@code bytes}, {@code encoded}, numbers) are dropped; the key
 *       names a secret when its last word ends with {@code password}, {@code passwd},
 *       {@code passphrase}, {@code secret}, {@code token}, {@code apikey}, {@code privatekey},
 *       {@code accesskey}, {@code secretkey}, {@code credential(s)}, {@code authorization} or
 *       {@code mnemonic}, or its last two words are {@code api key}, {@code private key},
 *       {@code access key}, {@code secret key}, {@code signing key}, {@code encryption key},
 *       {@code session key} or {@code seed phrase}. So {@code password}, {@code DB_PASSWORD},
 *       {@code clientSecret}, {@code x-api-key}, {@code access_token}, {@code githubToken} and
 *       {@code private_key_pem} are secret-named; {@code token_count}, {@code token_type},
 *       {@code secret_santa}, {@code secret_ref}, {@code password_policy}, {@code cache_key} and
 *       {@code auth} are not (the last word decides). The same applies to the {@code value} of an
 *       object whose {@code name} (or {@code key}) string is secret-named, the shape of
 *       environment lists ({@code {"name":"API_KEY","value":"..."}}).
 *       <p>Values that are not non-empty strings are not secrets: {@code "password": ""},
 *       {@code "token_count": 3}, {@code "secrets": ["db"]} (a list of secret <em>names</em>),
 *       and placeholders made only of {@code *} or reading {@code redacted} pass.
 *   <li><b>Credential-shaped strings</b>, anywhere (values and keys): PEM private keys, JWTs, AWS
 *       access key ids ({@code AKIA}/{@code ASIA} + 16), GitHub tokens ({@code ghp_}, {@code gho_},
 *       {@code ghs_}, {@code ghu_}, {@code ghr_} + 36 or more, {@code github_pat_}), Slack tokens
 *       ({@code xoxb-}, {@code xoxp-}, {@code xoxa-}, {@code xoxo-}, {@code xoxr-}, {@code xoxs-},
 *       {@code xoxe-}, {@code xapp-}) and webhooks ({@code hooks.slack.com/services/...}),
 *       {@code Bearer} credentials of 16 characters or more, and URLs with a password
 *       ({@code postgres://user:pw@host}). Hex digests (ArtifactIds, git SHAs), UUIDs, PEM
 *       certificates and public keys, and URLs without a password do not match.
 * </ol>
 *
 * <p>This is a heuristic that prefers false alarms to leaks: a pagination {@code next_token} is
 * flagged. Name such fields otherwise ({@code next_cursor}) or pass secrets by reference.
 */
public final class Secrets {

    private static final Set<String> QUALIFIERS = Set.of(
            "value",
            "val",
            "pem",
            "b64",
            "base64",
            "hex",
            "raw",
            "plain",
            "plaintext",
            "text",
            "str",
            "string",
            "data",
            "bytes",
            "encoded");

    private static final List<String> SECRET_WORD_ENDINGS = List.of(
            "password",
            "passwd",
            "passphrase",
            "secret",
            "token",
            "apikey",
            "privatekey",
            "accesskey",
            "secretkey",
            "credential",
            "credentials",
            "authorization",
            "mnemonic");

    private static final Set<String> SECRET_PHRASES = Set.of(
            "apikey",
            "privatekey",
            "accesskey",
            "secretkey",
            "signingkey",
            "encryptionkey",
            "sessionkey",
            "seedphrase");

    private static final Pattern PEM_PRIVATE_KEY =
            Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----");
    private static final Pattern JWT =
            Pattern.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");
    private static final Pattern AWS_ACCESS_KEY_ID =
            Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])");
    private static final Pattern GITHUB_TOKEN = Pattern.compile(
            "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])");
    private static final Pattern SLACK_TOKEN =
            Pattern.compile("(?<![A-Za-z0-9])(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[0-9]+-[A-Za-z0-9-]{10,})");
    private static final Pattern SLACK_WEBHOOK =
            Pattern.compile("hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{10,}");
    private static final Pattern BEARER = Pattern.compile("(?i)(?<![a-z])bearer\\s+[A-Za-z0-9._~+/-]{16,}=*");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@");

    private Secrets() {}

    /** A value that looks like a secret: where it is, and why. */
    public record Finding(String pointer, SecretKind kind) {
        public Finding {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** Whether any value in the tree looks like a secret. */
    public static boolean containsSecrets(JsonNode node) {
        return !scan(node, true).isEmpty();
    }

    /** Every finding, in document order of the containers visited (depth-first). */
    public static List<Finding> findings(JsonNode node) {
        return scan(node, false);
    }

    /** The JSON Pointers of every finding; safe to print (they never hold the secret itself). */
    public static List<String> pointers(JsonNode node) {
        return findings(node).stream().map(Finding::pointer).toList();
    }

    /**
     * Refuses a tree holding secrets.
     *
     * @throws JsonException {@code contains_secret}, naming the pointers
     */
    public static void requireNone(JsonNode node) {
        List<String> pointers = pointers(node);
        if (!pointers.isEmpty()) {
            throw JsonException.containsSecrets(pointers);
        }
    }

    /**
     * The verdicts of {@link #isSecretName} on the member keys the scans met, so that the key
     * vocabulary of Cairn's own documents (a few dozen names, met on every task) is split into words
     * once, not at every member: that split was half of the scan's CPU. Only keys are remembered
     * (never values, and never a key that looks like a credential: those are findings before the
     * name rule is asked), in memory only, at most {@value #KEY_VERDICTS_LIMIT} of them of at most
     * {@value #KEY_VERDICT_MAX_LENGTH} characters; once full, other keys are judged every time.
     */
    private static final ConcurrentHashMap<String, Boolean> KEY_VERDICTS = new ConcurrentHashMap<>();

    private static final int KEY_VERDICTS_LIMIT = 4096;
    private static final int KEY_VERDICT_MAX_LENGTH = 64;

    /** {@link #isSecretName} of a member key, remembered ({@link #KEY_VERDICTS}). */
    private static boolean isSecretKey(String key) {
        if (key.length() > KEY_VERDICT_MAX_LENGTH) {
            return isSecretName(key);
        }
        Boolean known = KEY_VERDICTS.get(key);
        if (known != null) {
            return known;
        }
        boolean verdict = isSecretName(key);
        if (KEY_VERDICTS.size() < KEY_VERDICTS_LIMIT) {
            KEY_VERDICTS.putIfAbsent(key, verdict);
        }
        return verdict;
    }

    /** Whether a key names a secret (rule 1 above). */
    public static boolean isSecretName(String key) {
        List<String> words = words(key);
        int end = words.size();
        while (end > 0 && (QUALIFIERS.contains(words.get(end - 1)) || isNumber(words.get(end - 1)))) {
            end--;
        }
        if (end == 0) {
            return false;
        }
        String last = words.get(end - 1);
        for (String ending : SECRET_WORD_ENDINGS) {
            if (last.endsWith(ending)) {
                return true;
            }
        }
        return end >= 2 && SECRET_PHRASES.contains(words.get(end - 2) + last);
    }

    /** The kind of credential a string looks like (rule 2 above), if any. */
    public static Optional<SecretKind> credentialIn(String s) {
        if (s.length() < 8) {
            return Optional.empty(); // every pattern needs at least 8 characters
        }
        if (s.contains("PRIVATE KEY") && PEM_PRIVATE_KEY.matcher(s).find()) {
            return Optional.of(SecretKind.PEM_PRIVATE_KEY);
        }
        if (s.contains("eyJ") && JWT.matcher(s).find()) {
            return Optional.of(SecretKind.JWT);
        }
        if ((s.contains("AKIA") || s.contains("ASIA"))
                && AWS_ACCESS_KEY_ID.matcher(s).find()) {
            return Optional.of(SecretKind.AWS_ACCESS_KEY_ID);
        }
        if (s.contains("_")
                && (s.contains("gh") || s.contains("github_pat_"))
                && GITHUB_TOKEN.matcher(s).find()) {
            return Optional.of(SecretKind.GITHUB_TOKEN);
        }
        if (s.contains("hooks.slack.com") && SLACK_WEBHOOK.matcher(s).find()) {
            return Optional.of(SecretKind.SLACK_WEBHOOK);
        }
        if ((s.contains("xox") || s.contains("xapp-")) && SLACK_TOKEN.matcher(s).find()) {
            return Optional.of(SecretKind.SLACK_TOKEN);
        }
        if (containsIgnoreCase(s, "bearer") && BEARER.matcher(s).find()) {
            return Optional.of(SecretKind.BEARER_TOKEN);
        }
        if (s.contains("://")
                && s.indexOf('@') > 0
                && URL_CREDENTIALS.matcher(s).find()) {
            return Optional.of(SecretKind.URL_CREDENTIALS);
        }
        return Optional.empty();
    }

    /** A container to visit; its pointer is built from the parent chain only when needed. */
    private record Frame(JsonNode node, Frame parent, String segment) {
        String pointer() {
            StringBuilder out = new StringBuilder();
            append(out);
            return out.toString();
        }

        private void append(StringBuilder out) {
            // Iterative: trees may be deeper than the stack.
            ArrayDeque<String> segments = new ArrayDeque<>();
            for (Frame f = this; f.parent != null; f = f.parent) {
                segments.push(f.segment);
            }
            for (String segment : segments) {
                out.append('/').append(segment);
            }
        }

        String pointer(String child) {
            return pointer() + "/" + child;
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static List<Finding> scan(JsonNode root, boolean firstOnly) {
        Objects.requireNonNull(root, "node");
        List<Finding> found = new ArrayList<>();
        if (root.isTextual()) {
            credentialIn(root.textValue()).ifPresent(kind -> found.add(new Finding("", kind)));
            return found;
        }
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root, null, ""));
        List<Frame> children = new ArrayList<>();
        while (!stack.isEmpty() && !(firstOnly && !found.isEmpty())) {
            Frame frame = stack.pop();
            JsonNode node = frame.node();
            children.clear();
            if (node.isObject()) {
                scanObject(frame, found, children);
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    JsonNode item = node.get(i);
                    if (item.isTextual()) {
                        Optional<SecretKind> kind = credentialIn(item.textValue());
                        if (kind.isPresent()) {
                            found.add(new Finding(frame.pointer(Integer.toString(i)), kind.get()));
                        }
                    } else if (item.isContainerNode()) {
                        children.add(new Frame(item, frame, Integer.toString(i)));
                    }
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i)); // so that children are visited in document order
            }
        }
        return firstOnly && found.size() > 1 ? found.subList(0, 1) : found;
    }

    private static void scanObject(Frame frame, List<Finding> found, List<Frame> children) {
        JsonNode node = frame.node();
        Iterator<Map.Entry<String, JsonNode>> members = node.properties().iterator();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            String key = member.getKey();
            JsonNode value = member.getValue();
            Optional<SecretKind> kind = credentialIn(key);
            if (kind.isEmpty() && value.isTextual()) {
                kind = credentialIn(value.textValue());
                if (kind.isEmpty() && isSecretValue(value.textValue()) && isSecretKey(key)) {
                    kind = Optional.of(SecretKind.SECRET_NAMED_KEY);
                }
            }
            if (kind.isPresent()) {
                found.add(new Finding(frame.pointer(escape(key)), kind.get()));
            } else if (value.isContainerNode()) {
                children.add(new Frame(value, frame, escape(key)));
            }
        }
        JsonNode name = node.has("name") ? node.get("name") : node.get("key");
        JsonNode value = node.get("value");
        if (name != null
                && name.isTextual()
                && value != null
                && value.isTextual()
                && isSecretValue(value.textValue())
                && isSecretName(name.textValue())) {
            String pointer = frame.pointer("value");
            if (found.stream().noneMatch(f -> f.pointer().equals(pointer))) {
                found.add(new Finding(pointer, SecretKind.SECRET_NAMED_KEY));
            }
        }
    }

    /** Non-empty, and not a placeholder such as {@code ****} or {@code <redacted>}. */
    private static boolean isSecretValue(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        boolean stars = true;
        for (int i = 0; i < n && stars; i++) {
            stars = s.charAt(i) == '*';
        }
        if (stars) {
            return false;
        }
        // "redacted", optionally with one opening bracket of [<( and one closing of ]>) around it.
        // (Formerly a regex replace on every string value; a quarter of the scan's CPU.)
        int from = "[<(".indexOf(s.charAt(0)) >= 0 ? 1 : 0;
        int to = n - from > 0 && "]>)".indexOf(s.charAt(n - 1)) >= 0 ? n - 1 : n;
        return !(to - from == REDACTED.length() && s.regionMatches(true, from, REDACTED, 0, REDACTED.length()));
    }

    private static final String REDACTED = "redacted";

    private static boolean containsIgnoreCase(String s, String word) {
        int n = word.length();
        for (int i = 0; i + n <= s.length(); i++) {
            if (s.regionMatches(true, i, word, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String word) {
        return word.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * Lowercase words of a key: split at non-alphanumerics, at lower-to-upper case changes, before
     * the last capital of a capital run followed by a lowercase letter ({@code APIKey} → api, key),
     * and between letters and digits.
     */
    static List<String> words(String key) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int n = key.length();
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(word, words);
                continue;
            }
            if (!word.isEmpty()) {
                char prev = key.charAt(i - 1);
                boolean next = i + 1 < n && Character.isLowerCase(key.charAt(i + 1));
                boolean boundary = (Character.isLowerCase(prev) && Character.isUpperCase(c))
                        || (Character.isUpperCase(prev) && Character.isUpperCase(c) && next)
                        || (Character.isDigit(prev) != Character.isDigit(c));
                if (boundary) {
                    flush(word, words);
                }
            }
            word.append(c);
        }
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString().toLowerCase(Locale.ROOT));
            word.setLength(0);
        }
    }
}
