package dev.assay.executor.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assay.executor.runner.RunMode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    @Test
    void noncesAreFreshLowerCaseHex() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String nonce = Handshake.newNonce();
            assertThat(nonce).matches("[0-9a-f]{64}");
            assertThat(seen.add(nonce)).isTrue();
        }
    }

    @Test
    void isOneLineOfJsonWithEverythingTheHarnessNeeds() {
        String line = new Handshake("ab".repeat(32), RunMode.ANALYZE, List.of("a.py", "test_a.py"), List.of("test_a.py"),
                List.of("a.py"), List.of("a.py"), "/usr/share/nodejs/acorn/dist/acorn.mjs", 1024).line();
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = RunReportTest.json(line);
        assertThat(json.path("nonce").asText()).isEqualTo("ab".repeat(32));
        assertThat(json.path("mode").asText()).isEqualTo("analyze");
        assertThat(json.path("root").asText()).isEqualTo("/workspace");
        assertThat(json.path("requestTests").get(0).asText()).isEqualTo("test_a.py");
        assertThat(json.path("generated").get(0).asText()).isEqualTo("a.py");
        assertThat(json.path("parser").asText()).endsWith("acorn.mjs");
    }
}
