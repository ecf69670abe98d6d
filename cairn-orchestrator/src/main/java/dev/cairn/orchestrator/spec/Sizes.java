package dev.cairn.orchestrator.spec;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spec's byte-size syntax: a whole number of bytes, or a whole number with a unit: {@code B};
 * decimal {@code kB}, {@code MB}, {@code GB}, {@code TB} (powers of 1000); binary {@code KiB},
 * {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024).
 */
final class Sizes {

    private static final Pattern SYNTAX = Pattern.compile("^([0-9]{1,19})(B|kB|MB|GB|TB|KiB|MiB|GiB|TiB)?$");

    private Sizes() {}

    /** The number of bytes {@code text} writes, if it is a size that fits a {@code long}. */
    static Optional<Long> parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        BigInteger number = new BigInteger(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        BigInteger factor =
                switch (unit) {
                    case "kB" -> BigInteger.TEN.pow(3);
                    case "MB" -> BigInteger.TEN.pow(6);
                    case "GB" -> BigInteger.TEN.pow(9);
                    case "TB" -> BigInteger.TEN.pow(12);
                    case "KiB" -> BigInteger.TWO.pow(10);
                    case "MiB" -> BigInteger.TWO.pow(20);
                    case "GiB" -> BigInteger.TWO.pow(30);
                    case "TiB" -> BigInteger.TWO.pow(40);
                    default -> BigInteger.ONE;
                };
        BigInteger bytes = number.multiply(factor);
        return bytes.bitLength() < 64 ? Optional.of(bytes.longValue()) : Optional.empty();
    }

    /** The shortest exact spec text of a byte count: {@code 512MiB}, {@code 1000}. */
    static String format(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return bytes + "B";
    }
}
