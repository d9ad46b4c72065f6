package dev.assay.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void neverSplitsACharacterAtTheCut() {
        byte[] bytes = "aé€😀".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 4 bytes
        assertThat(Utf8.decodePrefix(bytes, 1)).isEqualTo("a");
        assertThat(Utf8.decodePrefix(bytes, 2)).isEqualTo("a");
        assertThat(Utf8.decodePrefix(bytes, 3)).isEqualTo("aé");
        assertThat(Utf8.decodePrefix(bytes, 5)).isEqualTo("aé");
        assertThat(Utf8.decodePrefix(bytes, 6)).isEqualTo("aé€");
        assertThat(Utf8.decodePrefix(bytes, 9)).isEqualTo("aé€");
        assertThat(Utf8.decodePrefix(bytes, 10)).isEqualTo("aé€😀");
        assertThat(Utf8.decodePrefix(bytes, 100)).isEqualTo("aé€😀");
        assertThat(Utf8.decodePrefix(bytes, 0)).isEmpty();
    }
}
