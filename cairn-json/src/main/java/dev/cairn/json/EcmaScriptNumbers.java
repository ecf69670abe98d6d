package dev.cairn.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * ECMAScript's {@code Number.prototype.toString()} for doubles (ECMA-262, Number::toString with
 * radix 10), which RFC 8785 section 3.2.2.3 prescribes for numbers in canonical JSON.
 *
 * <p>The shortest digits come from {@link Double#toString(double)}, which since JDK 19 yields the
 * shortest decimal that rounds to the double, the closest one when there are several (Raffaello
 * Giulietti's Schubfach). Two fix-ups make it ECMAScript's:
 *
 * <ul>
 *   <li>the layout: ECMAScript writes plain digits for exponents −7 &lt; n ≤ 21 and otherwise
 *       {@code d.ddde+n} / {@code de-n}, where Java switches at 10^−3 and 10^7 and writes {@code E};
 *   <li>the length: when a one-digit decimal rounds to the double, Java may still pick a closer
 *       two-digit one ({@code 4.9E-324} for {@link Double#MIN_VALUE}), ECMAScript takes the
 *       closest one-digit decimal ({@code 5e-324}).
 * </ul>
 *
 * <p>Time is bounded: one {@code Double.toString}, and in the rare two-digit case two
 * {@code Double.parseDouble} calls and at most one exact comparison. Verified against node's
 * {@code String(x)} on a seeded random sample (see the test resources).
 */
public final class EcmaScriptNumbers {

    /** The longest output: sign, 21 digits, or 17 digits with a point and an exponent. */
    static final int MAX_LENGTH = 32;

    /** Size of the scratch space {@link #write} needs. */
    static final int SCRATCH_LENGTH = 2 * MAX_LENGTH;

    private static final double TWO_53 = 9007199254740992.0;

    private EcmaScriptNumbers() {}

    /**
     * The ECMAScript string of a finite double; {@code -0} gives {@code "0"}.
     *
     * @throws IllegalArgumentException for NaN and infinities, which JSON cannot hold
     */
    public static String toString(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        byte[] out = new byte[MAX_LENGTH];
        int length = write(value, out, 0, new byte[SCRATCH_LENGTH]);
        return new String(out, 0, length, StandardCharsets.US_ASCII);
    }

    /**
     * Whether an integer's decimal text is exactly the ECMAScript string of the double nearest to
     * it, i.e. reading it as a double and writing it back changes nothing ({@code 1e20} is written
     * {@code 100000000000000000000}; {@code 9007199254740993} becomes {@code 9007199254740992}).
     */
    public static boolean isDoubleSpelling(String integer) {
        double d;
        try {
            d = Double.parseDouble(integer);
        } catch (NumberFormatException e) {
            return false;
        }
        return Double.isFinite(d) && toString(d).equals(integer);
    }

    /**
     * Writes the ECMAScript string of a finite {@code value} as ASCII into {@code out} at
     * {@code pos} (room for {@link #MAX_LENGTH} bytes needed); returns the position after it.
     * {@code digits} is scratch space of {@link #SCRATCH_LENGTH} bytes.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) is exact for ASCII
    static int write(double value, byte[] out, int pos, byte[] digits) {
        if (value == 0) {
            out[pos] = '0';
            return pos + 1;
        }
        if (value < 0) {
            out[pos++] = '-';
            value = -value;
        }
        if (value < TWO_53 && value == (long) value) {
            return writeLong((long) value, out, pos); // an integer below 2^53 is its own shortest decimal
        }
        // Digits and exponent of Java's form: "123.456", "0.001", "1.0E21", "4.9E-324".
        String java = Double.toString(value);
        int length = java.length();
        byte[] text = digits; // Java's string in the upper half, the digits in the lower
        java.getBytes(0, length, text, MAX_LENGTH); // ASCII only, so no char is truncated
        int count = 0;
        int fraction = 0;
        boolean afterPoint = false;
        int i = 0;
        for (; i < length; i++) {
            byte c = text[MAX_LENGTH + i];
            if (c == '.') {
                afterPoint = true;
            } else if (c == 'E') {
                break;
            } else {
                if (afterPoint) {
                    fraction++;
                }
                if (count > 0 || c != '0') { // leading zeros carry no digit
                    digits[count++] = c;
                }
            }
        }
        int exponent = 0;
        if (i < length) {
            boolean negative = text[MAX_LENGTH + ++i] == '-';
            if (negative) {
                i++;
            }
            for (; i < length; i++) {
                exponent = exponent * 10 + (text[MAX_LENGTH + i] - '0');
            }
            if (negative) {
                exponent = -exponent;
            }
        }
        int trailing = 0;
        while (count > 1 && digits[count - 1] == '0') {
            count--;
            trailing++;
        }
        // value = digits × 10^(n − count)
        int n = exponent - fraction + trailing + count;
        if (count == 2) {
            int first = digits[0] - '0';
            int oneDigit = oneDigitIfPossible(value, first, digits[1] - '0', n);
            if (oneDigit != 0) {
                digits[0] = (byte) ('0' + (oneDigit == 10 ? 1 : oneDigit));
                count = 1;
                n = oneDigit == 10 ? n + 1 : n;
            }
        }
        return layout(digits, count, n, out, pos);
    }

    /**
     * When a one-digit decimal rounds to {@code a} (which Java wrote {@code d1 d2 × 10^(n−2)}),
     * ECMAScript wants the closest such digit: returns it (10 meaning {@code 1 × 10^n}), else 0.
     */
    private static int oneDigitIfPossible(double a, int first, int second, int n) {
        int down = first;
        int up = first + 1;
        boolean downRounds = Double.parseDouble(down + "E" + (n - 1)) == a;
        boolean upRounds = Double.parseDouble(up + "E" + (n - 1)) == a;
        if (downRounds && upRounds) {
            BigDecimal exact = new BigDecimal(a);
            BigDecimal low = BigDecimal.valueOf(down).scaleByPowerOfTen(n - 1);
            BigDecimal high = BigDecimal.valueOf(up).scaleByPowerOfTen(n - 1);
            int cmp = exact.subtract(low).compareTo(high.subtract(exact));
            if (cmp != 0) {
                return cmp < 0 ? down : up;
            }
            return down % 2 == 0 ? down : up; // a tie goes to the even digit
        }
        if (downRounds) {
            return down;
        }
        if (upRounds) {
            return up;
        }
        return 0;
    }

    /** ECMA-262 Number::toString steps 6–12 for a positive value s × 10^(n−k), k = {@code count}. */
    private static int layout(byte[] s, int k, int n, byte[] out, int pos) {
        if (k <= n && n <= 21) {
            System.arraycopy(s, 0, out, pos, k);
            pos += k;
            for (int z = n - k; z > 0; z--) {
                out[pos++] = '0';
            }
        } else if (0 < n && n <= 21) {
            System.arraycopy(s, 0, out, pos, n);
            pos += n;
            out[pos++] = '.';
            System.arraycopy(s, n, out, pos, k - n);
            pos += k - n;
        } else if (-6 < n && n <= 0) {
            out[pos++] = '0';
            out[pos++] = '.';
            for (int z = -n; z > 0; z--) {
                out[pos++] = '0';
            }
            System.arraycopy(s, 0, out, pos, k);
            pos += k;
        } else {
            int e = n - 1;
            out[pos++] = s[0];
            if (k > 1) {
                out[pos++] = '.';
                System.arraycopy(s, 1, out, pos, k - 1);
                pos += k - 1;
            }
            out[pos++] = 'e';
            out[pos++] = (byte) (e < 0 ? '-' : '+');
            pos = writeLong(Math.abs(e), out, pos);
        }
        return pos;
    }

    /** "00" to "99": two digits per step when writing integers. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /** Writes a non-negative long in decimal; returns the position after it. */
    static int writeLong(long v, byte[] out, int pos) {
        if (v < 10) {
            out[pos] = (byte) ('0' + v);
            return pos + 1;
        }
        int end = pos + digitCount(v);
        int i = end;
        while (v > Integer.MAX_VALUE) { // rare: int arithmetic below is much faster than long division
            int pair = (int) (v % 100);
            v /= 100;
            out[--i] = PAIRS[2 * pair + 1];
            out[--i] = PAIRS[2 * pair];
        }
        int w = (int) v;
        while (w >= 100) {
            int q = w / 100;
            int pair = w - q * 100;
            w = q;
            out[--i] = PAIRS[2 * pair + 1];
            out[--i] = PAIRS[2 * pair];
        }
        if (w >= 10) {
            out[--i] = PAIRS[2 * w + 1];
            out[--i] = PAIRS[2 * w];
        } else {
            out[--i] = (byte) ('0' + w);
        }
        return end;
    }

    private static int digitCount(long v) {
        int digits = 1;
        for (long bound = 10; digits < 19 && v >= bound; bound *= 10) {
            digits++;
        }
        return digits;
    }
}
