package dev.assay.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspaceTest {
    @TempDir
    Path scratch;

    @Test
    void writesTheFilesReadableByTheSandboxAndIsDeletedOnClose() throws Exception {
        Path root;
        try (Workspace ws = Workspace.create(scratch, Map.of("calc.py", "new", "tests/test_calc.py", "test", "pkg/util.py", "u"), 1000)) {
            root = ws.root();
            assertThat(root.resolve("calc.py")).hasContent("new");
            assertThat(root.resolve("tests/test_calc.py")).hasContent("test");
            assertThat(root.resolve("pkg/util.py")).hasContent("u");
            assertThat(Files.getPosixFilePermissions(root.resolve("pkg")))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            assertThat(Files.getPosixFilePermissions(root.resolve("pkg/util.py")))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        assertThat(root).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "../escape.py", "a/../../b.py", "a/./b.py", "./a.py", "a//b.py", "~/x",
            "a\\..\\b.py", "C:/x.py", "bad\u0000name", "new\nline.py", "", "dir/"})
    void rejectsUnsafePaths(String path) {
        assertThatThrownBy(() -> Workspace.checkPath(path)).isInstanceOf(WorkspaceException.class);
        assertThatThrownBy(() -> Workspace.create(scratch, Map.of(path, "x"), 1000))
                .isInstanceOf(WorkspaceException.class);
        assertThat(scratch).isEmptyDirectory();
    }

    @Test
    void acceptsOrdinaryNestedPathsAndDotFiles() throws Exception {
        assertThat(Workspace.checkPath("src/main/java/App.java")).isEqualTo("src/main/java/App.java");
        assertThat(Workspace.checkPath(".gitignore")).isEqualTo(".gitignore");
        assertThat(Workspace.checkPath("a..b.py")).isEqualTo("a..b.py");
    }

    @Test
    void rejectsAFileThatIsAlsoAFolderAndCleansUp() {
        assertThatThrownBy(() -> Workspace.create(scratch, ordered("a", "x", "a/b.py", "y"), 1000))
                .isInstanceOf(WorkspaceException.class).hasMessageContaining("a/b.py");
        assertThat(scratch).isEmptyDirectory();
    }

    private static Map<String, String> ordered(String... pathsAndContents) {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return files;
    }

    @Test
    void rejectsContentAboveTheWorkspaceLimit() {
        assertThatThrownBy(() -> Workspace.create(scratch, Map.of("big.py", "x".repeat(2000)), 1000))
                .isInstanceOf(WorkspaceException.class).hasMessageContaining("1000");
    }
}
