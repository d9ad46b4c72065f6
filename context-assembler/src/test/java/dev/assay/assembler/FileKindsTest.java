package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileKindsTest {

    @ParameterizedTest
    @ValueSource(strings = {"test_slug.py", "tests/slug_test.py", "src/test/java/SlugTest.java", "SlugTests.java",
            "SlugIT.java", "slug.test.js", "web/slug.spec.ts", "src/__tests__/slug.js", "conftest.py", "test/unit/runner.js",
            "tests/utils.py", "spec/helpers.js"})
    void recognisesTestFiles(String path) {
        assertThat(FileKinds.isTest(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slug.py", "testing_utils.py", "Contest.java", "latest.js", "attestation.py", "lib/testable/x.js", "contests/a.py"})
    void doesNotMistakeOrdinaryFilesForTests(String path) {
        assertThat(FileKinds.isTest(path)).isFalse();
    }

    @Test
    void namesTheExtension() {
        assertThat(FileKinds.extension("src/Main.JAVA")).isEqualTo("java");
        assertThat(FileKinds.extension("types.d.ts")).isEqualTo("ts");
        assertThat(FileKinds.extension("Makefile")).isEmpty();
    }
}
