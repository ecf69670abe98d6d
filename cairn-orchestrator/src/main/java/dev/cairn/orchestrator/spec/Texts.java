package dev.cairn.orchestrator.spec;

import java.util.Collection;
import java.util.Optional;

/** Text helpers for messages: abbreviation, quoting, "did you mean". */
final class Texts {

    private static final int MAX_SHOWN = 80;

    private Texts() {}

    /** {@code text} cut to a readable length, control characters shown as {@code ?}. */
    static String abbreviate(String text) {
        return abbreviate(text, MAX_SHOWN);
    }

    /** {@code text} cut to {@code max} characters, control characters shown as {@code ?}. */
    static String abbreviate(String text, int max) {
        String cut = text.length() <= max ? text : text.substring(0, max - 3) + "...";
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    /** {@code `text`}, abbreviated. */
    static String quote(String text) {
        return "`" + abbreviate(text) + "`";
    }

    /** The candidate closest to {@code word}, if it is close enough to be a likely typo. */
    static Optional<String> closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        for (String candidate : candidates) {
            int d = distance(lower, candidate.toLowerCase(java.util.Locale.ROOT), bestDistance);
            if (d < bestDistance || (d == bestDistance && best != null && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int allowed = Math.max(1, Math.min(3, Math.max(word.length(), best.length()) / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Whether {@code text} holds a UTF-16 surrogate without its pair (it has no UTF-8 form). */
    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** " (did you mean `x`?)" or nothing. */
    static String didYouMean(String word, Collection<String> candidates) {
        return closest(word, candidates)
                .map(c -> " (did you mean `" + c + "`?)")
                .orElse("");
    }

    /** Optimal string alignment distance, giving up (returning a large value) beyond {@code cap}. */
    static int distance(String a, String b, int cap) {
        if (Math.abs(a.length() - b.length()) > Math.min(cap, 8) || a.length() > 128 || b.length() > 128) {
            return Integer.MAX_VALUE;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
