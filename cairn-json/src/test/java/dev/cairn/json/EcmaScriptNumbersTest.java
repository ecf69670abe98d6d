package dev.cairn.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class EcmaScriptNumbersTest {

    @Test
    void matchesNodeOnTheReferenceSample() {
        List<String> lines = TestResources.lines("reference/numbers.txt");
        assertThat(lines).hasSizeGreaterThan(10_000);
        List<String> mismatches = new ArrayList<>();
        for (String line : lines) {
            int space = line.indexOf(' ');
            double x = Double.longBitsToDouble(HexFormat.fromHexDigitsToLong(line.substring(0, space)));
            String expected = line.substring(space + 1);
            String actual = EcmaScriptNumbers.toString(x);
            if (!actual.equals(expected)) {
                mismatches.add(line + " -> " + actual);
            }
            // The string also reads back as the same double: nothing is lost.
            assertThat(Double.parseDouble(actual)).isEqualTo(x == 0 ? 0.0 : x);
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void parsingThenCanonicalizingMatchesNode() {
        List<String> mismatches = new ArrayList<>();
        for (String line : TestResources.lines("reference/number-texts.txt")) {
            int tab = line.indexOf('\t');
            String text = line.substring(0, tab);
            String expected = line.substring(tab + 1);
            String actual = new String(Canonical.canonicalize(text), StandardCharsets.UTF_8);
            if (!actual.equals(expected)) {
                mismatches.add(line + " -> " + actual);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void edgeCases() {
        assertThat(EcmaScriptNumbers.toString(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(EcmaScriptNumbers.toString(1e-315)).isEqualTo("1e-315");
        assertThat(EcmaScriptNumbers.toString(-0.0)).isEqualTo("0");
        assertThat(EcmaScriptNumbers.toString(1e21)).isEqualTo("1e+21");
        assertThat(EcmaScriptNumbers.toString(1e20)).isEqualTo("100000000000000000000");
        assertThat(EcmaScriptNumbers.toString(999999999999999900000.0)).isEqualTo("999999999999999900000");
        assertThat(EcmaScriptNumbers.toString(1e-7)).isEqualTo("1e-7");
        assertThat(EcmaScriptNumbers.toString(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(EcmaScriptNumbers.toString(1e-6)).isEqualTo("0.000001");
        assertThat(EcmaScriptNumbers.toString(123e-20)).isEqualTo("1.23e-18");
        assertThat(EcmaScriptNumbers.toString(1e30)).isEqualTo("1e+30");
        assertThat(EcmaScriptNumbers.toString(4.5)).isEqualTo("4.5");
        assertThat(EcmaScriptNumbers.toString(0.002)).isEqualTo("0.002");
        assertThat(EcmaScriptNumbers.toString(333333333.33333329)).isEqualTo("333333333.3333333");
        assertThat(EcmaScriptNumbers.toString(Math.pow(2, 60))).isEqualTo("1152921504606847000");
        assertThat(EcmaScriptNumbers.toString(9007199254740991.0)).isEqualTo("9007199254740991");
        assertThat(EcmaScriptNumbers.toString(-9007199254740992.0)).isEqualTo("-9007199254740992");
        assertThat(EcmaScriptNumbers.toString(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(EcmaScriptNumbers.toString(2e-323)).isEqualTo("2e-323");
        assertThat(EcmaScriptNumbers.toString(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    }

    @Test
    void nonFiniteNumbersHaveNoString() {
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> EcmaScriptNumbers.toString(x))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a finite number");
        }
    }
}
