package dev.assay.verifier.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretPatternsTest {

    @Test
    void redactsKeysAndAssignmentValuesButKeepsTheRest() {
        String out = SecretPatterns.redact("""
                connecting with password=hunter22 to db
                token sk-abcdefghijklmnopqrstuvwx used
                API_KEY: 'abcd1234efgh5678'
                all good""");
        assertThat(out).doesNotContain("hunter22", "sk-abcdefghijklmnopqrstuvwx", "abcd1234efgh5678")
                .contains("password=******", "API_KEY: ******", "all good", "connecting with");
    }

    @Test
    void leavesPlainTextAlone() {
        assertThat(SecretPatterns.redact("assert add(2, 2) == 4")).isEqualTo("assert add(2, 2) == 4");
        assertThat(SecretPatterns.redact(null)).isEmpty();
    }
}
