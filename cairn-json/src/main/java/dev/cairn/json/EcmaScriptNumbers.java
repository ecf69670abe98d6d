package dev.cairn.json;

import java.math.BigDecimal;

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
        if (value == 0) {
            return "0";
        }
        if (Math.abs(value) < TWO_53 && value == (long) value) {
            // An integer below 2^53 is its own shortest decimal.
            return Long.toString((long) value);
        }
        Decimal d = shortest(Math.abs(value));
        StringBuilder out = new StringBuilder(26);
        if (value < 0) {
            out.append('-');
        }
        layout(d.digits, d.n, out);
        return out.toString();
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

    /** {@code digits} × 10^(n − digits.length), with no leading or trailing zero digits. */
    private record Decimal(String digits, int n) {}

    private static Decimal shortest(double a) {
        String java = Double.toString(a);
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String all = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int fractionLength = mantissa.length() - dot - 1;
        int start = 0;
        while (all.charAt(start) == '0') {
            start++;
        }
        int end = all.length();
        while (all.charAt(end - 1) == '0') {
            end--;
        }
        String digits = all.substring(start, end);
        // value = digits × 10^(exponent − fractionLength + trailing zeros)
        int n = exponent - fractionLength + (all.length() - end) + digits.length();
        if (digits.length() == 2) {
            return oneDigitIfPossible(a, digits, n);
        }
        return new Decimal(digits, n);
    }

    /** ECMAScript wants the shortest length first; Java considers two digits when one would do. */
    private static Decimal oneDigitIfPossible(double a, String digits, int n) {
        int first = digits.charAt(0) - '0';
        Decimal down = new Decimal(Integer.toString(first), n);
        Decimal up = first == 9 ? new Decimal("1", n + 1) : new Decimal(Integer.toString(first + 1), n);
        boolean downRounds = roundsTo(down, a);
        boolean upRounds = roundsTo(up, a);
        if (downRounds && upRounds) {
            BigDecimal exact = new BigDecimal(a);
            int cmp = exact.subtract(value(down)).compareTo(value(up).subtract(exact));
            if (cmp != 0) {
                return cmp < 0 ? down : up;
            }
            return (first % 2 == 0) ? down : up; // a tie goes to the even digit
        }
        if (downRounds) {
            return down;
        }
        if (upRounds) {
            return up;
        }
        return new Decimal(digits, n);
    }

    private static boolean roundsTo(Decimal d, double a) {
        return Double.parseDouble(d.digits + "E" + (d.n - d.digits.length())) == a;
    }

    private static BigDecimal value(Decimal d) {
        return new BigDecimal(d.digits).scaleByPowerOfTen(d.n - d.digits.length());
    }

    /** ECMA-262 Number::toString steps 6–12 for a positive value s × 10^(n−k). */
    private static void layout(String s, int n, StringBuilder out) {
        int k = s.length();
        if (k <= n && n <= 21) {
            out.append(s);
            out.repeat('0', n - k);
        } else if (0 < n && n <= 21) {
            out.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.");
            out.repeat('0', -n);
            out.append(s);
        } else {
            int e = n - 1;
            out.append(s.charAt(0));
            if (k > 1) {
                out.append('.').append(s, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
    }
}
