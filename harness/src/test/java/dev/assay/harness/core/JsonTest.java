package dev.assay.harness.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void quotesEverythingOntoOneLine() {
        assertThat(Json.quote("a\"b\\c\nd\re\tf\u0001\u2028")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u2028\"");
        assertThat(Json.quote(null)).isEqualTo("null");
        assertThat(Json.quote("é😀")).isEqualTo("\"é😀\"");
    }

    @Test
    void escapesLoneSurrogates() {
        assertThat(Json.quote("x\ud800y")).isEqualTo("\"x\\ud800y\"");
        assertThat(Json.quote("\udc00")).isEqualTo("\"\\udc00\"");
    }

    @Test
    void parsesWhatItWrites() {
        String text = "s\"\\\n\u0007\u2029é";
        assertThat(Json.parse(Json.quote(text))).isEqualTo(text);
        assertThat(Json.parse(" {\"a\": [1, -2.5e3, true, false, null, {}], \"b\": \"\\u00e9\"} "))
                .isEqualTo(Map.of("a", java.util.Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null, Map.of()),
                        "b", "é"));
    }

    @Test
    void rejectsWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "01", "\"\u0001\"", "tru", "1 2", "{\"a\":1,}", "\"\\x\"")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theSecretComesBackAsCharacters() {
        Object parsed = Json.parse("{\"nonce\":\"abc\",\"mode\":\"test\"}".toCharArray(), "nonce");
        assertThat(parsed).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) parsed).get("nonce")).isEqualTo("abc".toCharArray());
        assertThatThrownBy(() -> Json.parse("{\"nonce\":\"a\\u0062\"}".toCharArray(), "nonce")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsNeverQuoteTheInput() {
        assertThatThrownBy(() -> Json.parse("{\"nonce\":\"" + "a".repeat(64) + "\" x}"))
                .hasMessageNotContaining("aaaa");
    }
}
