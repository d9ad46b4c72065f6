package dev.assay.assembler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileKindsTest {

    @ParameterizedTest
    @ValueSource(strings = {"test_slug.py", "tests/slug_test.py", "src/test/java/SlugTest.java", "SlugTests.java",
            "SlugIT.java", "slug.test.js", "web/slug.spec.ts", "src/__tests__/slug.js", "conftest.py"})
    void recognisesTestFiles(String path) {
        assertThat(FileKinds.isTest(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slug.py", "testing_utils.py", "Contest.java", "latest.js", "attestation.py"})
    void doesNotMistakeOrdinaryFilesForTests(String path) {
        assertThat(FileKinds.isTest(path)).isFalse();
    }

    @Test
    void derivesTheSubjectOfATest() {
        assertThat(FileKinds.testSubject("tests/test_slug.py")).isEqualTo("slug");
        assertThat(FileKinds.testSubject("slug_test.py")).isEqualTo("slug");
        assertThat(FileKinds.testSubject("SlugTest.java")).isEqualTo("slug");
        assertThat(FileKinds.testSubject("slug.test.js")).isEqualTo("slug");
    }

    @Test
    void recognisesTypeDefinitions() {
        assertThat(FileKinds.isTypeDefinition("slug.pyi", "")).isTrue();
        assertThat(FileKinds.isTypeDefinition("types.d.ts", "")).isTrue();
        assertThat(FileKinds.isTypeDefinition("store.py", "from typing import Protocol\nclass Store(Protocol):\n    def get(self): ...\n")).isTrue();
        assertThat(FileKinds.isTypeDefinition("Store.java", "public interface Store {\n  String get(String k);\n}\n")).isTrue();
        assertThat(FileKinds.isTypeDefinition("Point.java", "public record Point(int x, int y) {}\n")).isTrue();
        assertThat(FileKinds.isTypeDefinition("model.ts", "export interface User { id: string }\n")).isTrue();
        assertThat(FileKinds.isTypeDefinition("Store.java", "public class Store implements Map {\n}\n")).isFalse();
        assertThat(FileKinds.isTypeDefinition("store.py", "class Store:\n    pass\n")).isFalse();
    }
}
