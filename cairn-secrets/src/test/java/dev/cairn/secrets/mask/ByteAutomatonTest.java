package dev.cairn.secrets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.secrets.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The automaton agrees with a naive search on patterns that overlap a lot. */
class ByteAutomatonTest {

    @Test
    void longestMatchAtEveryPositionAgreesWithNaiveSearch() {
        Random random = Seeds.random("ByteAutomatonTest");
        for (int round = 0; round < 200; round++) {
            // Small alphabets make patterns share prefixes and suffixes, and long failure chains.
            int alphabet = random.nextBoolean() ? 2 : 12;
            List<byte[]> patterns = new ArrayList<>();
            int count = 1 + random.nextInt(40);
            for (int i = 0; i < count; i++) {
                patterns.add(randomBytes(random, 1 + random.nextInt(random.nextBoolean() ? 3 : 9), alphabet));
            }
            ByteAutomaton automaton = ByteAutomaton.of(patterns);
            // The text also has bytes no pattern uses (the automaton's class 0).
            byte[] text = randomBytes(random, 500, alphabet + 2);
            int s = 0;
            for (int i = 0; i < text.length; i++) {
                s = automaton.next(s, text[i] & 0xff);
                int expected = 0;
                int expectedPattern = -1;
                int expectedDepth = 0;
                for (int p = 0; p < patterns.size(); p++) {
                    byte[] pat = patterns.get(p);
                    if (endsWith(text, i + 1, pat, pat.length) && pat.length > expected) {
                        expected = pat.length;
                        expectedPattern = p;
                    }
                    for (int k = Math.min(pat.length, i + 1); k > expectedDepth; k--) {
                        if (endsWith(text, i + 1, pat, k)) {
                            expectedDepth = k;
                            break;
                        }
                    }
                }
                assertThat(automaton.matchLength(s))
                        .as("round %d position %d", round, i)
                        .isEqualTo(expected);
                if (expected > 0) {
                    assertThat(patterns.get(automaton.matchPattern(s))).isEqualTo(patterns.get(expectedPattern));
                }
                assertThat(automaton.depth(s)).isEqualTo(expectedDepth);
            }
        }
    }

    @Test
    void anAutomatonWithoutPatternsStaysAtTheRoot() {
        ByteAutomaton none = ByteAutomaton.of(List.of());
        for (int b = 0; b < 256; b++) {
            assertThat(none.next(0, b)).isZero();
        }
        assertThat(none.maxPatternLength()).isZero();
        assertThat(none.stateCount()).isEqualTo(1);
    }

    /** Whether text[0, end) ends with the first {@code length} bytes of {@code pattern}. */
    private static boolean endsWith(byte[] text, int end, byte[] pattern, int length) {
        if (length > end) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (text[end - length + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] randomBytes(Random random, int n, int alphabet) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (0x80 + random.nextInt(alphabet)); // high bytes: signedness must not matter
        }
        return b;
    }
}
